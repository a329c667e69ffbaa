import { CsvReader } from './csv-reader';

function read(text: string, delimiter = ',', chunk = 3): string[][] {
  const r = new CsvReader(delimiter);
  const bytes = Buffer.from(text, 'utf8');
  const out: string[][] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...r.push(bytes.subarray(i, i + chunk)));
  out.push(...r.end());
  return out;
}

describe('CsvReader', () => {
  const cases: [string, string, string[][]][] = [
    [
      'plain, LF',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF, no newline at the end',
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CR only',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'BOM dropped',
      '\uFEFFa,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted delimiter, doubled quote, newline inside',
      '"x,y","say ""hi""","two\nlines"\n',
      [['x,y', 'say "hi"', 'two\nlines']],
    ],
    ['spaces trimmed, quoted spaces kept', ' a , " b " ,c \n', [['a', ' b ', 'c']]],
    [
      'empty fields and empty lines',
      'a,,\n\n\r\n,b,\n',
      [
        ['a', '', ''],
        ['', 'b', ''],
      ],
    ],
    ['multi-byte characters split across chunks', 'Zoë,Łukasz,日本\n', [['Zoë', 'Łukasz', '日本']]],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name} (whatever the chunk size)`, () => {
      for (const size of [1, 2, 3, 7, 1000]) expect(read(text, ',', size)).toEqual(expected);
    });
  }

  it('reads semicolon and tab files; a tab inside a tab file is a delimiter, not a blank', () => {
    expect(read('a;b\n"1;2";3\n', ';')).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
    expect(read('a\t\tb\n', '\t')).toEqual([['a', '', 'b']]);
  });

  it('refuses a quote never closed and text after a closing quote, naming the line', () => {
    expect(() => read('a\n"open\n')).toThrow(/Quote Not Closed.*line 2/);
    expect(() => read('a,b\n"x"y,2\n')).toThrow(/Invalid Closing Quote.*line 2/);
  });
});
