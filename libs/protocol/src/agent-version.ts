/**
 * The agent release this tree builds: the server serves the bundle built from it (`/agent/farmhand-agent.cjs`) and
 * tells connected agents about it in `welcome`. Keep in step with the root package.json.
 */
export const CURRENT_AGENT_VERSION = '0.1.0';

const VERSION = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$/;

/**
 * Orders two `major.minor.patch[-pre]` versions (semver precedence, pre-releases before their release):
 * negative when `a` is older, 0 when equal, positive when newer; null when either is not such a version.
 */
export function compareAgentVersions(a: string, b: string): number | null {
  const left = VERSION.exec(a);
  const right = VERSION.exec(b);
  if (!left || !right) return null;
  for (let index = 1; index <= 3; index++) {
    const difference = Number(left[index]) - Number(right[index]);
    if (difference !== 0) return Math.sign(difference);
  }
  const [leftPre, rightPre] = [left[4], right[4]];
  if (leftPre === rightPre) return 0;
  if (leftPre === undefined) return 1;
  if (rightPre === undefined) return -1;
  return leftPre < rightPre ? -1 : 1;
}

/** True when `agentVersion` is a version older than `latestVersion` (unparseable versions are never called old). */
export function isAgentOutdated(agentVersion: string, latestVersion: string): boolean {
  const order = compareAgentVersions(agentVersion, latestVersion);
  return order !== null && order < 0;
}
