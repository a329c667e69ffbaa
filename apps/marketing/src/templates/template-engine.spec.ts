import { render, templateProblems, textFromHtml, type RenderContext } from './template-engine';

const ctx: RenderContext = {
  contact: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    country: 'FR',
    city: 'Paris',
    locale: 'fr',
    customFields: { tier: 'gold' },
  },
  campaign: { name: 'Spring', utmCampaign: 'spring' },
  coupon: { code: 'ABC' },
  links: { unsubscribe: 'https://x/u' },
};

describe('templates', () => {
  it('renders known variables, custom fields and filters', () => {
    expect(
      render('Hi {{ contact.firstName | upcase }} ({{ contact.customFields.tier }}), use {{ coupon.code }}', ctx),
    ).toBe('Hi ADA (gold), use ABC');
  });

  it('names a variable that does not exist, and a syntax error', () => {
    expect(templateProblems('Hi {{ contact.shoeSize }}')[0]).toContain('contact.shoeSize');
    expect(templateProblems('Hi {{ user.name }}')[0]).toContain('user.name');
    expect(templateProblems('Hi {% if %}')[0]).toContain('not a valid template');
    expect(templateProblems('Hi {{ contact.firstName }} {% if coupon.code %}{{ coupon.code }}{% endif %}')).toEqual([]);
  });

  it('has no way out of the sandbox: no constructor, no prototype', () => {
    expect(templateProblems('{{ contact.constructor }}')[0]).toContain('contact.constructor');
    expect(render('{{ contact.customFields.constructor }}', ctx)).toBe('');
  });

  it('derives a plain-text part from HTML, keeping link targets', () => {
    expect(textFromHtml('<p>Hello <b>Ada</b></p><p><a href="https://x">Shop</a></p>')).toBe(
      'Hello Ada\nShop (https://x)',
    );
  });
});
