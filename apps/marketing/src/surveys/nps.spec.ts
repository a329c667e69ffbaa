import { npsOf } from './nps';

describe('NPS arithmetic', () => {
  it('is percent promoters minus percent detractors', () => {
    expect(npsOf([10, 9, 8, 7, 6, 0])).toEqual({ responses: 6, promoters: 2, passives: 2, detractors: 2, nps: 0 });
    expect(npsOf([10, 10, 10, 9])).toMatchObject({ nps: 100 });
    expect(npsOf([0, 1, 2])).toMatchObject({ nps: -100 });
    expect(npsOf([10, 9, 9, 6, 8, 7, 3])).toMatchObject({ promoters: 3, detractors: 2, nps: 14 });
  });

  it('has no score without responses', () => {
    expect(npsOf([])).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  });
});
