import { parseSecretToken } from '../codes/secret-token';

export interface AgentCommandOptions {
  /** The server's public URL, http(s), as agents reach it. */
  serverUrl: string;
  /** `npx` (default): `npx farmhand-agent ...`; `bundle`: the single-file build run with plain Node. */
  form?: 'npx' | 'bundle';
  /** File name of the single-file agent build for the bundle form (default `farmhand-agent.cjs`). */
  bundleFile?: string;
}

const SAFE_ARGUMENT = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/**
 * The exact command that enrolls one printer with its token, e.g.
 * `npx farmhand-agent enroll --server https://farm.example --token fh_enr_…`, plus `--octoprint-url` when the CSV gave
 * one. Arguments are quoted for POSIX shells when they need it. Throws on a malformed token or server URL: both come
 * from the server, not from a user.
 */
export function agentEnrollCommand(token: string, options: AgentCommandOptions, octoprintUrl?: string | null): string {
  if (parseSecretToken(token, 'enrollment') === null) throw new TypeError('Not an enrollment token.');
  const program =
    options.form === 'bundle' ? ['node', options.bundleFile ?? 'farmhand-agent.cjs'] : ['npx', 'farmhand-agent'];
  const words = [...program, 'enroll', '--server', normalizeServerUrl(options.serverUrl), '--token', token];
  if (octoprintUrl) words.push('--octoprint-url', octoprintUrl);
  return words.map(shellQuote).join(' ');
}

/** The server URL without a trailing slash; throws unless it is a plain http(s) URL. */
export function normalizeServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new TypeError(`Invalid server URL: ${serverUrl}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw new TypeError('The server URL must be http(s) without credentials.');
  }
  if (url.search !== '' || url.hash !== '') throw new TypeError('The server URL must not have a query or fragment.');
  return url.href.replace(/\/+$/, '');
}

export function shellQuote(argument: string): string {
  return SAFE_ARGUMENT.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
