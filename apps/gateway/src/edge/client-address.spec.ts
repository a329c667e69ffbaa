import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it('ignores what a client claims when no proxy is trusted', () => {
    expect(clientAddress('203.0.113.7', '10.9.9.9, 1.2.3.4', 0)).toEqual({
      ip: '203.0.113.7',
      forwardedFor: '203.0.113.7',
    });
  });

  it('takes the address the trusted proxy saw, and drops what came before it', () => {
    // client spoofs 6.6.6.6; the load balancer (peer 10.0.0.2) appended the real 198.51.100.4
    expect(clientAddress('10.0.0.2', '6.6.6.6, 198.51.100.4', 1)).toEqual({
      ip: '198.51.100.4',
      forwardedFor: '198.51.100.4, 10.0.0.2',
    });
  });

  it('walks back as many hops as are trusted', () => {
    expect(clientAddress('10.0.0.3', ['6.6.6.6, 198.51.100.4', '10.0.0.2'], 2).ip).toBe('198.51.100.4');
  });

  it('falls back to the leftmost address when the chain is shorter than the trusted hops', () => {
    expect(clientAddress('10.0.0.2', undefined, 3)).toEqual({ ip: '10.0.0.2', forwardedFor: '10.0.0.2' });
  });
});
