import { exportLines, type ExportPage } from './export-stream';

async function collect(g: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const s of g) out += s;
  return out;
}

describe('exportLines', () => {
  const rows: ExportPage[] = Array.from({ length: 5 }, (_, i) => ({
    key: String(i + 1),
    v: [`r${i + 1}`, i === 0 ? '=SUM(A1)' : '+33123456', i === 1 ? ['a', 'b'] : { n: i }],
  }));
  const pages = (after: string | null, limit: number) =>
    Promise.resolve(rows.filter((r) => Number(r.key) > Number(after ?? 0)).slice(0, limit));

  it('writes CSV page by page with the header, spreadsheet formulas neutralised, lists joined by |', async () => {
    const asked: (string | null)[] = [];
    let finished: [number, boolean] | undefined;
    const csv = await collect(
      exportLines({
        format: 'csv',
        columns: ['name', 'phone', 'extra'],
        pageSize: 2,
        page: (after, limit) => {
          asked.push(after);
          return pages(after, limit);
        },
        finished: async (n, done) => {
          finished = [n, done];
        },
      }),
    );
    expect(csv.split('\r\n')).toEqual([
      'name,phone,extra',
      `r1,'=SUM(A1),"{""n"":0}"`,
      'r2,+33123456,a|b',
      'r3,+33123456,"{""n"":2}"',
      'r4,+33123456,"{""n"":3}"',
      'r5,+33123456,"{""n"":4}"',
      '',
    ]);
    expect(asked).toEqual([null, '2', '4']);
    expect(finished).toEqual([5, true]);
  });

  it('writes JSON lines keyed by column, and reports an export stopped by its reader as not completed', async () => {
    let finished: [number, boolean] | undefined;
    const g = exportLines({
      format: 'jsonl',
      columns: ['name', 'phone', 'extra'],
      pageSize: 2,
      page: pages,
      finished: async (n, done) => {
        finished = [n, done];
      },
    });
    const first = await g.next();
    expect(first.value).toBe(
      '{"name":"r1","phone":"=SUM(A1)","extra":{"n":0}}\n{"name":"r2","phone":"+33123456","extra":["a","b"]}\n',
    );
    await g.return(undefined);
    expect(finished).toEqual([2, false]);
  });
});
