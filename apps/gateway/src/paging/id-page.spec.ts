import { encodeCursor, uuidv7 } from '@crm/persistence';
import { DomainError } from '@crm/platform';
import { decodeIdCursor, toPage } from './id-page';

describe('toPage', () => {
  const rows = [5, 4, 3].map(() => ({ id: uuidv7() })).reverse();

  it('gives a cursor to the next page when there is one more row than asked', () => {
    const page = toPage(rows, 2);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(page.nextCursor).toBe(encodeCursor([rows[1].id]));
  });

  it('gives no cursor on the last page', () => {
    expect(toPage(rows, 3)).toEqual({ items: rows, nextCursor: null });
    expect(toPage([], 3)).toEqual({ items: [], nextCursor: null });
  });
});

describe('decodeIdCursor', () => {
  it('gives back the id a page ended on', () => {
    const id = uuidv7();
    expect(decodeIdCursor(encodeCursor([id]))).toBe(id);
  });

  it('refuses anything but a single id as a 400 naming the cursor field', () => {
    for (const bad of ['%%%', encodeCursor(['x']), encodeCursor([uuidv7(), 1])]) {
      expect(() => decodeIdCursor(bad)).toThrow(DomainError);
    }
  });
});
