import { parseTrustedProxies, resolveClientAddress } from './client-address';

describe('client address (rate limiting and audit only)', () => {
  it('ignores X-Forwarded-For from an untrusted peer and flags it (spoofed X-Forwarded-For ignored)', () => {
    const address = resolveClientAddress('203.0.113.9', '10.0.0.1', undefined, []);
    expect(address).toEqual({ ip: '203.0.113.9', spoofedForwarding: true });
  });

  it('takes the right-most untrusted hop when the peer is a trusted proxy', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8');
    expect(resolveClientAddress('10.1.2.3', '198.51.100.7, 203.0.113.5, 10.9.9.9', undefined, proxies).ip).toBe(
      '203.0.113.5',
    );
  });

  it('unwraps IPv4-mapped IPv6 peers', () => {
    expect(resolveClientAddress('::ffff:127.0.0.1', undefined, undefined, []).ip).toBe('127.0.0.1');
  });

  it.each(['true', '*', '0.0.0.0/0', '::/0', 'all'])('refuses to trust everything: TRUST_PROXY=%s', (value) => {
    expect(() => parseTrustedProxies(value)).toThrow(/TRUST_PROXY/);
  });

  it('names the bad entry', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, not-an-ip')).toThrow(/not-an-ip/);
  });

  it('accepts single addresses and lists', () => {
    expect(parseTrustedProxies('127.0.0.1, 10.0.0.0/8, fd00::/8')).toHaveLength(3);
    expect(parseTrustedProxies('')).toEqual([]);
  });
});
