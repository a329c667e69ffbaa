import { describe, expect, it } from 'vitest';
import { contactQuery, filtersFromSearch, filtersToSearch, NO_FILTERS, toSearchParams } from './contact-query';

describe('contactQuery', () => {
  it('sends only the filters set, tags as a repeated parameter, a custom field as cf.<key>', () => {
    const q = contactQuery({
      ...NO_FILTERS,
      q: ' grase ',
      tag: 'vip, newsletter,',
      country: 'fr',
      customField: 'tier = gold',
      sort: 'name',
    });
    expect(q).toEqual({
      limit: '50',
      q: 'grase',
      tag: ['vip', 'newsletter'],
      country: 'FR',
      'cf.tier': 'gold',
      sort: 'name',
    });
    expect(toSearchParams(q)).toBe('limit=50&q=grase&tag=vip&tag=newsletter&country=FR&cf.tier=gold&sort=name');
  });

  it('drops the relevance sort without a search text (the API refuses it) and passes the cursor on', () => {
    expect(contactQuery({ ...NO_FILTERS, sort: 'relevance' }, 'c1')).toEqual({ limit: '50', cursor: 'c1' });
    expect(contactQuery({ ...NO_FILTERS, q: 'a', sort: 'relevance' })['sort']).toBe('relevance');
  });

  it('keeps the filters in the address and reads them back', () => {
    const f = { ...NO_FILTERS, q: 'ada l', stage: 'lead', tag: 'vip' };
    expect(filtersFromSearch(filtersToSearch(f))).toEqual(f);
    expect(filtersToSearch(NO_FILTERS)).toBe('');
  });
});
