import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

describe('the analytics error catalogue', () => {
  it('is the only place analytics names a code and its kind: no inline new DomainError(...)', () => {
    const root = join(__dirname, '..');
    const inline = sources(root).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `${relative(root, file)}:${i + 1}`, line: line.trim() }))
        .filter(({ line }) => line.includes('new DomainError(')),
    );
    expect(inline).toEqual([]);
  });
});
