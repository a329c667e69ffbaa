import { LinkSigner } from './link-signer';

describe('signed tracking links', () => {
  const signer = new LinkSigner('a'.repeat(32), 'https://t.example');
  const id = '0190f0f0-0000-7000-8000-000000000001';

  it('accepts its own signature and refuses a changed destination, message or kind', () => {
    const s = signer.sign('click', id, 'https://shop.example/a');
    expect(signer.verify('click', id, s, 'https://shop.example/a')).toBe(true);
    expect(signer.verify('click', id, s, 'https://evil.example/a')).toBe(false);
    expect(signer.verify('click', '0190f0f0-0000-7000-8000-000000000002', s, 'https://shop.example/a')).toBe(false);
    expect(signer.verify('unsubscribe', id, s)).toBe(false);
    expect(signer.verify('click', id, 'short', 'https://shop.example/a')).toBe(false);
  });

  it('rewrites every link through the click tracker and adds the open pixel', () => {
    const html = signer.track('<body><a href="https://shop.example/?a=1&amp;b=2">Shop</a></body>', id);
    expect(html).toContain(
      `https://t.example/t/c/${id}?u=${encodeURIComponent('https://shop.example/?a=1&b=2')}&amp;s=`,
    );
    expect(html).toContain(`<img src="https://t.example/t/o/${id}?s=`);
    expect(html.indexOf('<img')).toBeLessThan(html.indexOf('</body>'));
  });
});
