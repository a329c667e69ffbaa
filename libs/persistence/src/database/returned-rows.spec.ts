import { returnedRows } from './returned-rows';

describe('returnedRows', () => {
  it('takes the rows of an UPDATE/DELETE answer ([rows, count]) and of a SELECT answer (rows)', () => {
    expect(returnedRows([[{ id: 1 }], 1])).toEqual([{ id: 1 }]);
    expect(returnedRows([[], 0])).toEqual([]);
    expect(returnedRows([{ id: 2 }])).toEqual([{ id: 2 }]);
    expect(returnedRows([])).toEqual([]);
  });
});
