import { guardedLookup, isBlockedAddress, refusedUrl, type TargetPolicy } from './target-guard';

const policy: TargetPolicy = { allowedTargets: ['127.0.0.1:9999'], allowHttp: false, suiteHosts: ['contacts:3001'] };

describe('webhook target guard (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ])('blocks %s', (address) => expect(isBlockedAddress(address)).toBe(true));

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111'])('lets %s through', (address) =>
    expect(isBlockedAddress(address)).toBe(false),
  );

  it('refuses private, loopback, metadata and suite targets, plain http and credentials', () => {
    expect(refusedUrl('https://127.0.0.1/hook', policy)).toMatch(/loopback/);
    expect(refusedUrl('https://[::1]:8443/hook', policy)).toMatch(/loopback/);
    expect(refusedUrl('https://169.254.169.254/latest/meta-data', policy)).toMatch(/link-local/);
    expect(refusedUrl('https://localhost/hook', policy)).toMatch(/loopback/);
    expect(refusedUrl('https://contacts:3001/contacts', policy)).toMatch(/suite/);
    expect(refusedUrl('http://hooks.example.com/x', policy)).toMatch(/https/);
    expect(refusedUrl('https://user:pw@hooks.example.com/x', policy)).toMatch(/credentials/);
    expect(refusedUrl('ftp://hooks.example.com/x', policy)).toMatch(/http/);
    expect(refusedUrl('not a url', policy)).toMatch(/absolute/);
    expect(refusedUrl('https://hooks.example.com/x', policy)).toBeUndefined();
  });

  it('lets an allowed host:port through, and only that port', () => {
    const local = { ...policy, allowHttp: true };
    expect(refusedUrl('http://127.0.0.1:9999/hook', local)).toBeUndefined();
    expect(refusedUrl('http://127.0.0.1:9998/hook', local)).toMatch(/loopback/);
  });

  it('refuses at connect time a name that resolves to a blocked address (DNS rebinding)', async () => {
    const lookup = guardedLookup([]);
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error?.message).toMatch(/blocked address/);
    const open = guardedLookup(['localhost']);
    const address = await new Promise<string>((resolve, reject) =>
      open('localhost', {}, (e, a) => (e ? reject(e) : resolve(a as string))),
    );
    expect(isBlockedAddress(address)).toBe(true);
  });
});
