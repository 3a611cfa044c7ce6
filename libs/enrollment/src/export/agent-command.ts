import { parseSecretToken } from '../codes/secret-token';

export interface AgentCommandOptions {
  /** The server's public URL, http(s), as agents reach it. */
  serverUrl: string;
  /**
   * `install` (default): `curl -fsSL <server>/agent/install.sh | sh -s -- ...`, which downloads the bundle from the
   * server, checks its SHA-256 and runs it; `bundle`: the single-file build, already on the host, run with plain Node.
   */
  form?: 'install' | 'bundle';
  /** File name of the single-file agent build for the bundle form (default `farmhand-agent.cjs`). */
  bundleFile?: string;
}

const SAFE_ARGUMENT = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/**
 * The exact command that enrolls one printer with its token, e.g.
 * `curl -fsSL https://farm.example/agent/install.sh | sh -s -- enroll --server https://farm.example --token fh_enr_…`,
 * plus `--octoprint-url` when the CSV gave one. Arguments are quoted for POSIX shells when they need it. Throws on a
 * malformed token or server URL: both come from the server, not from a user.
 */
export function agentEnrollCommand(token: string, options: AgentCommandOptions, octoprintUrl?: string | null): string {
  if (parseSecretToken(token, 'enrollment') === null) throw new TypeError('Not an enrollment token.');
  const server = normalizeServerUrl(options.serverUrl);
  const words = ['enroll', '--server', server, '--token', token];
  if (octoprintUrl) words.push('--octoprint-url', octoprintUrl);
  const program =
    options.form === 'bundle'
      ? ['node', options.bundleFile ?? 'farmhand-agent.cjs']
      : ['curl', '-fsSL', `${server}/agent/install.sh`, '|', 'sh', '-s', '--'];
  return [...program.map((word) => (word === '|' ? word : shellQuote(word))), ...words.map(shellQuote)].join(' ');
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
