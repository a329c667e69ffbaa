import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('forbids sniffing, framing, referrers and any content on API answers', () => {
    const h = securityHeaders('/api/v1/contacts');
    expect(h).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(h['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(h['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('lets the docs page run scripts and styles of its own origin only, none inline', () => {
    const csp = securityHeaders('/api/docs')['content-security-policy'];
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
