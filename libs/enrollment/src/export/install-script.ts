import { normalizeServerUrl, shellQuote } from './agent-command';

/** Where the server serves the agent, under its public URL (outside `/api`: plain downloads, no session). */
export const AGENT_DOWNLOAD_PATHS = {
  installScript: '/agent/install.sh',
  bundle: '/agent/farmhand-agent.cjs',
  checksum: '/agent/farmhand-agent.cjs.sha256',
  manifest: '/agent/version.json',
} as const;

export interface InstallScriptOptions {
  /** The server's public URL, http(s), as agents reach it. */
  serverUrl: string;
  /** Version of the bundle served now. */
  version: string;
  /** SHA-256 of the bundle served now, lower-case hex. */
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const VERSION = /^[0-9A-Za-z.+-]{1,64}$/;

/**
 * The POSIX shell script at `<PUBLIC_URL>/agent/install.sh`: downloads the agent bundle from the same server,
 * refuses it unless its SHA-256 is the one written into the script, installs it (default
 * `~/.local/share/farmhand-agent/farmhand-agent.cjs`, or `$FARMHAND_AGENT_DIR`), and then runs the agent with the
 * script's arguments, if any: `curl -fsSL <PUBLIC_URL>/agent/install.sh | sh -s -- enroll --token …`.
 * Needs Node 20+ and curl or wget; nothing else (the checksum is computed with Node).
 */
export function agentInstallScript(options: InstallScriptOptions): string {
  const server = normalizeServerUrl(options.serverUrl);
  if (!SHA256_HEX.test(options.sha256)) throw new TypeError('Not a SHA-256 in hex.');
  if (!VERSION.test(options.version)) throw new TypeError('Not a version.');
  const bundleUrl = `${server}${AGENT_DOWNLOAD_PATHS.bundle}`;
  return `#!/bin/sh
# Installs farmhand-agent ${options.version} from ${server}
#   curl -fsSL ${server}${AGENT_DOWNLOAD_PATHS.installScript} | sh                      # install (or update) only
#   curl -fsSL ${server}${AGENT_DOWNLOAD_PATHS.installScript} | sh -s -- enroll --token …  # install, then run the agent
# FARMHAND_AGENT_DIR chooses where it goes (default: \${XDG_DATA_HOME:-~/.local/share}/farmhand-agent).
set -eu

FARMHAND_SERVER=${shellQuote(server)}
AGENT_VERSION=${shellQuote(options.version)}
AGENT_SHA256=${options.sha256}
AGENT_URL=${shellQuote(bundleUrl)}

fail() {
  echo "farmhand-agent install: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || fail "Node.js 20 or newer is needed and \\\`node\\\` was not found"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  fail "Node.js 20 or newer is needed; this is $(node --version)"

dir="\${FARMHAND_AGENT_DIR:-\${XDG_DATA_HOME:-$HOME/.local/share}/farmhand-agent}"
mkdir -p "$dir"
target="$dir/farmhand-agent.cjs"
download="$target.download.$$"
trap 'rm -f "$download"' EXIT INT TERM

if command -v curl >/dev/null 2>&1; then
  curl -fsSL -o "$download" "$AGENT_URL" || fail "could not download $AGENT_URL"
elif command -v wget >/dev/null 2>&1; then
  wget -q -O "$download" "$AGENT_URL" || fail "could not download $AGENT_URL"
else
  fail "curl or wget is needed to download $AGENT_URL"
fi

actual=$(node -e 'const h = require("crypto").createHash("sha256"); h.update(require("fs").readFileSync(process.argv[1])); console.log(h.digest("hex"))' "$download")
[ "$actual" = "$AGENT_SHA256" ] ||
  fail "checksum mismatch for $AGENT_URL: expected $AGENT_SHA256, got $actual; nothing was installed"

chmod 755 "$download"
mv -f "$download" "$target"
echo "farmhand-agent $AGENT_VERSION installed at $target (sha256 $AGENT_SHA256) from $FARMHAND_SERVER" >&2

if [ "$#" -gt 0 ]; then
  exec node "$target" "$@"
fi
echo "run it with: node $target --help" >&2
`;
}

/** The `sha256sum` line for the bundle (`sha256sum -c` checks a download with it). */
export function agentChecksumLine(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new TypeError('Not a SHA-256 in hex.');
  return `${sha256}  farmhand-agent.cjs\n`;
}
