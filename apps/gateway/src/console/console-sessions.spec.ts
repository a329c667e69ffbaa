import { ConsoleSessions, CsrfRefused, readCookies, setCookie } from './console-sessions';

describe('ConsoleSessions', () => {
  const sessions = new ConsoleSessions('x'.repeat(40));

  it('takes the session token from the cookie only with the CSRF token made for that very session', () => {
    const csrf = sessions.csrfFor('token-a');
    expect(sessions.credential({ cookie: 'other=1; crm_session=token-a', 'x-csrf-token': csrf })).toBe('token-a');
    expect(() => sessions.credential({ cookie: 'crm_session=token-b', 'x-csrf-token': csrf })).toThrow(CsrfRefused);
    expect(() => sessions.credential({ cookie: 'crm_session=token-a' })).toThrow(CsrfRefused);
    expect(() => sessions.credential({ cookie: 'crm_session=token-a', 'x-csrf-token': `${csrf}x` })).toThrow(
      CsrfRefused,
    );
  });

  it('gives no credential without the cookie, whatever the headers', () => {
    expect(sessions.credential({ cookie: 'crm_other=1', 'x-csrf-token': 'anything' })).toBeUndefined();
    expect(sessions.credential({})).toBeUndefined();
  });

  it('derives its keys from the secret, so another gateway secret makes other CSRF tokens', () => {
    expect(new ConsoleSessions('y'.repeat(40)).csrfFor('t')).not.toBe(sessions.csrfFor('t'));
    expect(new ConsoleSessions('x'.repeat(40)).csrfFor('t')).toBe(sessions.csrfFor('t'));
  });

  it('unseals only what it sealed, refusing a changed value or signature', () => {
    const sealed = sessions.seal({ state: 's1', returnTo: '/contacts' });
    expect(sessions.unseal(sealed)).toEqual({ state: 's1', returnTo: '/contacts' });
    const [body, mac] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ state: 's1', returnTo: 'https://evil.example' })).toString('base64url');
    expect(sessions.unseal(`${forged}.${mac}`)).toBeUndefined();
    expect(sessions.unseal(`${body}.${mac.slice(1)}`)).toBeUndefined();
    expect(sessions.unseal('garbage')).toBeUndefined();
    expect(sessions.unseal(undefined)).toBeUndefined();
  });

  it('writes httpOnly cookies, Secure when asked, and reads the first of repeated names', () => {
    expect(setCookie('crm_session', 'v', { maxAgeSeconds: 60, secure: true, sameSite: 'Strict', path: '/' })).toBe(
      'crm_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
    expect(readCookies('a=1; a=2; b=x=y').get('a')).toBe('1');
    expect(readCookies('a=1; a=2; b=x=y').get('b')).toBe('x=y');
  });
});
