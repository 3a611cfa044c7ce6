import { guardedFetch, validateIssuerUrl } from './oidc-http';
import { groupsFromClaim, roleFromGroups } from './sso-roles';
import { SsoSecretCipher } from './sso-secret.cipher';

describe('group claim → role', () => {
  it('takes the strongest mapped role, ignores unmapped groups and never grants owner', () => {
    const mapping = { staff: 'operator', 'farm-admins': 'admin', guests: 'viewer', root: 'owner' } as const;
    expect(roleFromGroups(['guests', 'staff'], mapping)).toBe('operator');
    expect(roleFromGroups(['staff', 'farm-admins'], mapping)).toBe('admin');
    expect(roleFromGroups(['students'], mapping)).toBeNull();
    expect(roleFromGroups(['root'], mapping)).toBeNull();
    expect(roleFromGroups(['__proto__', 'constructor'], mapping)).toBeNull();
  });

  it('reads a claim as a list of strings, or one string, and nothing else', () => {
    expect(groupsFromClaim(['a', 2, 'b', null])).toEqual(['a', 'b']);
    expect(groupsFromClaim('a')).toEqual(['a']);
    expect(groupsFromClaim({ a: true })).toEqual([]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe('issuer URLs (SSRF)', () => {
  const strict = { allowHttp: false, allowPrivate: false };
  const code = (url: string, policy = strict) => {
    try {
      validateIssuerUrl(url, policy);
      return 'ok';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  it('accepts a public https issuer as given', () => {
    expect(validateIssuerUrl('https://login.example.edu/realms/farm', strict)).toBe(
      'https://login.example.edu/realms/farm',
    );
  });

  it('refuses metadata, link-local and reserved addresses whatever the settings say', () => {
    const open = { allowHttp: true, allowPrivate: true };
    for (const url of [
      'http://169.254.169.254/',
      'http://[fe80::1]/',
      'http://metadata.google.internal/',
      'http://0.0.0.0/',
    ])
      expect([url, code(url, open)]).toEqual([url, 'sso_issuer_forbidden_address']);
    expect(code('http://[::ffff:169.254.169.254]/', open)).toBe('sso_issuer_forbidden_address');
  });

  it('refuses loopback, private and single-label hosts, plain http, credentials and queries unless allowed', () => {
    expect(code('https://127.0.0.1/')).toBe('sso_issuer_private_address');
    expect(code('https://10.1.2.3/')).toBe('sso_issuer_private_address');
    expect(code('https://keycloak/')).toBe('sso_issuer_private_address');
    expect(code('https://localhost/')).toBe('sso_issuer_private_address');
    expect(code('https://10.1.2.3/', { allowHttp: false, allowPrivate: true })).toBe('ok');
    expect(code('http://login.example.edu/')).toBe('sso_issuer_insecure');
    expect(code('https://user:pass@login.example.edu/')).toBe('sso_issuer_invalid');
    expect(code('https://login.example.edu/?x=1')).toBe('sso_issuer_invalid');
    expect(code('javascript:alert(1)')).toBe('sso_issuer_invalid');
  });

  it('refuses at request time a name that resolves to a private address (DNS decides late)', async () => {
    const fetch = guardedFetch({ allowHttp: true, allowPrivate: false });
    await expect(
      fetch('http://localhost:9/.well-known/openid-configuration', { method: 'GET', headers: {} }),
    ).rejects.toThrow(/not allowed for identity providers/);
    await expect(fetch('http://127.0.0.1:9/', { method: 'GET', headers: {} })).rejects.toThrow(/not allowed/);
  });
});

describe('client secrets at rest', () => {
  const cipher = new SsoSecretCipher('a-secret-key-that-is-long-enough-0123456789');

  it('round-trips, and a ciphertext moved to another provider or key does not decrypt', () => {
    const stored = cipher.encrypt('client-secret', 'provider-a');
    expect(stored).not.toContain('client-secret');
    expect(cipher.decrypt(stored, 'provider-a')).toBe('client-secret');
    expect(() => cipher.decrypt(stored, 'provider-b')).toThrow();
    expect(() =>
      new SsoSecretCipher('another-secret-key-long-enough-0123456789').decrypt(stored, 'provider-a'),
    ).toThrow();
  });
});
