import crypto from 'node:crypto';
import {
  hashSecretToken,
  issueAgentCredential,
  issueEnrollmentToken,
  parseSecretToken,
  redactSecretToken,
  verifySecretToken,
} from './secret-token';

describe('enrollment tokens and agent credentials', () => {
  afterEach(() => jest.restoreAllMocks());

  it('carry a readable prefix, a lookup id and a 43-character base62 secret', () => {
    const enrollment = issueEnrollmentToken();
    const agent = issueAgentCredential();

    expect(enrollment.token).toMatch(/^fh_enr_[0-9a-z]{12}_[0-9A-Za-z]{43}$/);
    expect(agent.token).toMatch(/^fh_agent_[0-9a-z]{12}_[0-9A-Za-z]{43}$/);
    expect(enrollment.token.startsWith(`fh_enr_${enrollment.id}_`)).toBe(true);
    expect(agent.kind).toBe('agent');
  });

  it('store SHA-256 of the whole token, never the token', () => {
    const issued = issueAgentCredential();

    expect(issued.hash).toBe(crypto.createHash('sha256').update(issued.token).digest('hex'));
    expect(issued.hash).not.toContain(issued.id);
  });

  it('do not repeat over many draws', () => {
    const issued = Array.from({ length: 10_000 }, issueAgentCredential);

    expect(new Set(issued.map((credential) => credential.token)).size).toBe(10_000);
    expect(new Set(issued.map((credential) => credential.id)).size).toBe(10_000);
  });

  it('verify the right token with a constant-time comparison', () => {
    const issued = issueAgentCredential();
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');

    expect(verifySecretToken(issued.token, issued.hash)).toBe(true);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('rejects a credential that differs in its last character', () => {
    const issued = issueAgentCredential();
    const last = issued.token.at(-1) === 'a' ? 'b' : 'a';

    expect(verifySecretToken(`${issued.token.slice(0, -1)}${last}`, issued.hash)).toBe(false);
  });

  it("rejects another printer's credential that shares nothing but the format", () => {
    expect(verifySecretToken(issueAgentCredential().token, issueAgentCredential().hash)).toBe(false);
  });

  it('parses kind and id, ignoring whitespace from copy and paste', () => {
    const issued = issueEnrollmentToken();

    expect(parseSecretToken(` ${issued.token}\n`)).toEqual({ kind: 'enrollment', id: issued.id });
    expect(hashSecretToken(` ${issued.token}\n`)).toBe(issued.hash);
  });

  it('rejects an enrollment token presented as an agent credential', () => {
    expect(parseSecretToken(issueEnrollmentToken().token, 'agent')).toBeNull();
  });

  it.each([
    ['a truncated token', () => issueAgentCredential().token.slice(0, -1)],
    ['an unknown prefix', () => issueAgentCredential().token.replace('fh_agent_', 'fh_admin_')],
    [
      'an uppercase id',
      () => issueAgentCredential().token.replace(/_([0-9a-z]{12})_/, (_m, id: string) => `_${id.toUpperCase()}_`),
    ],
    ['a very long string', () => 'fh_agent_'.repeat(1000)],
    ['a number', () => 42 as unknown as string],
  ])('rejects %s', (_label, make) => {
    expect(parseSecretToken(make())).toBeNull();
  });

  it('redacts a token for logs down to its prefix and id', () => {
    const issued = issueEnrollmentToken();
    const redacted = redactSecretToken(issued.token);

    expect(redacted).toBe(`fh_enr_${issued.id}_…`);
    expect(redacted).not.toContain(issued.token.slice(-43));
    expect(redactSecretToken('Bearer nonsense')).toBe('[malformed token]');
  });
});
