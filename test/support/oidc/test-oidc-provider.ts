import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestPerson {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export type TamperMode = 'issuer' | 'audience' | 'expired' | 'signature' | null;

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  addPerson(person: TestPerson): Promise<void>;
  removePerson(sub: string): Promise<void>;
  /** Re-sign the ID tokens the provider issues from now on (null: stop). */
  tamper(mode: TamperMode): Promise<void>;
  /** A new signing key with a new key id; the key set publishes only it from now on (the old one is retired). */
  rotateKey(): Promise<void>;
  /** How many requests the provider has answered, per path (`/.well-known/openid-configuration`, `/jwks`, …). */
  requestCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * Starts the test OpenID Connect provider (`oidc-provider-process.mjs`, oidc-provider in a plain Node process) with one
 * confidential client whose redirect URIs are given. Its login page takes an email; people are added over HTTP.
 */
export async function startTestOidcProvider(redirectUris: string[]): Promise<TestOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider-process.mjs')], {
    env: { ...process.env, OIDC_REDIRECT_URIS: JSON.stringify(redirectUris) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.TEST_OIDC_DEBUG) process.stderr.write(chunk);
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test OIDC provider exited (${code}): ${stderr}`)));
  });
  const { issuer, clientId, clientSecret } = JSON.parse(first) as {
    issuer: string;
    clientId: string;
    clientSecret: string;
  };
  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${issuer}/__test/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 204) throw new Error(`test OIDC provider ${path}: ${response.status}`);
  };
  return {
    issuer,
    clientId,
    clientSecret,
    addPerson: ({ sub, ...claims }) => control('accounts', { sub, claims: { email_verified: true, ...claims } }),
    removePerson: (sub) => control('accounts/remove', { sub }),
    tamper: (mode) => control('tamper', { mode }),
    rotateKey: () => control('rotate', {}),
    requestCounts: async () => (await (await fetch(`${issuer}/__test/requests`)).json()) as Record<string, number>,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
