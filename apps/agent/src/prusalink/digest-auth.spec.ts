import { DigestVerifier } from '../../../printer-sim/src/prusalink/digest-verifier';
import { DigestSession, digestResponse, parseAuthParams, parseDigestChallenges } from './digest-auth';

/** RFC 7616 §3.9.1: the worked example, same credentials and nonces for MD5 and SHA-256. */
const RFC_EXAMPLE = {
  username: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: 1,
};
const RFC_CHALLENGE = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  qop: 'auth' as const,
  stale: false,
};

describe('HTTP Digest (RFC 7616)', () => {
  it('computes the RFC 7616 example responses for MD5 and SHA-256', () => {
    expect(digestResponse({ ...RFC_EXAMPLE, challenge: { ...RFC_CHALLENGE, algorithm: 'MD5' } })).toEqual({
      response: '8ca523f5e9506fed4657c9700eebdbec',
      nc: '00000001',
    });
    expect(digestResponse({ ...RFC_EXAMPLE, challenge: { ...RFC_CHALLENGE, algorithm: 'SHA-256' } }).response).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('parses the RFC example header with both challenges and prefers SHA-256', () => {
    const header =
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const challenges = parseDigestChallenges(header);
    expect(challenges.map((c) => c.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(challenges[0]).toMatchObject({ ...RFC_CHALLENGE, algorithm: 'SHA-256' });
  });

  it('skips other schemes, auth-int-only and unknown algorithms; unescapes quoted pairs', () => {
    expect(parseDigestChallenges('Basic realm="x"')).toEqual([]);
    expect(parseDigestChallenges('Digest realm="x", nonce="n", qop="auth-int"')).toEqual([]);
    expect(parseDigestChallenges('Digest realm="x", nonce="n", algorithm=SHA-512-256')).toEqual([]);
    expect(parseAuthParams('realm="a \\"b\\", c", nonce=xyz')).toEqual({ realm: 'a "b", c', nonce: 'xyz' });
  });

  it('answers the RFC 2069 form (no qop) as Buddy firmware asks', () => {
    const session = new DigestSession('maker', 'secret', () => 'c');
    session.accept('Digest realm="Printer API", nonce="abc", stale=FALSE');
    const header = session.authorization('GET', '/api/v1/status')!;
    expect(header).not.toMatch(/qop=|nc=|cnonce=/);
    expect(header).toContain('username="maker"');
  });

  it('counts nonces up, and retries only for a new or stale nonce', () => {
    const session = new DigestSession('maker', 'secret', () => 'c');
    expect(session.authorization('GET', '/')).toBeNull();
    expect(session.accept('Digest realm="r", nonce="n1", qop="auth"')).toBe(true);
    expect(session.authorization('GET', '/')).toContain('nc=00000001');
    expect(session.authorization('GET', '/')).toContain('nc=00000002');
    // The same nonce refused again: the password is wrong, retrying cannot help.
    expect(session.accept('Digest realm="r", nonce="n1", qop="auth"')).toBe(false);
    expect(session.accept('Digest realm="r", nonce="n1", qop="auth", stale=true')).toBe(true);
    expect(session.authorization('GET', '/')).toContain('nc=00000001');
  });

  it.each([
    ['MD5', 'auth'],
    ['SHA-256', 'auth'],
    ['MD5', null],
  ] as const)(
    'is accepted by the simulator verifier (%s, qop %s), which refuses replays and wrong passwords',
    (algorithm, qop) => {
      const verifier = new DigestVerifier({ realm: 'Printer API', username: 'maker', password: 'pw', algorithm, qop });
      const good = new DigestSession('maker', 'pw');
      good.accept(verifier.challenge());
      const header = good.authorization('PUT', '/api/v1/job/1/pause')!;
      expect(verifier.verify(header, 'PUT', '/api/v1/job/1/pause')).toBe('ok');
      expect(verifier.verify(header, 'PUT', '/api/v1/job/2/pause')).toBe('refused');
      if (qop) expect(verifier.verify(header, 'PUT', '/api/v1/job/1/pause')).toBe('refused');
      const bad = new DigestSession('maker', 'wrong');
      bad.accept(verifier.challenge());
      expect(verifier.verify(bad.authorization('GET', '/')!, 'GET', '/')).toBe('refused');
    },
  );

  it('refuses a nonce it did not issue and marks an old one stale', () => {
    let now = 1_000_000;
    const verifier = new DigestVerifier({
      realm: 'Printer API',
      username: 'maker',
      password: 'pw',
      algorithm: 'MD5',
      qop: 'auth',
      now: () => now,
      nonceLifetimeMs: 1_000,
    });
    const forged = new DigestSession('maker', 'pw');
    forged.accept(
      'Digest realm="Printer API", nonce="f4240.0123456789abcdef.00000000000000000000000000000000", qop="auth"',
    );
    expect(verifier.verify(forged.authorization('GET', '/')!, 'GET', '/')).toBe('refused');
    const session = new DigestSession('maker', 'pw');
    session.accept(verifier.challenge());
    now += 5_000;
    expect(verifier.verify(session.authorization('GET', '/')!, 'GET', '/')).toBe('stale');
    expect(verifier.challenge(true)).toContain('stale=true');
  });
});
