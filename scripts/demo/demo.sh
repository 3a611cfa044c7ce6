#!/usr/bin/env bash
# npm run demo: builds what is missing or older than its sources (as scripts/start.sh builds), then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEMO_STARTED_AT=$(date +%s%3N)
export DEMO_STARTED_AT
[ -f .env ] && set -a && . ./.env && set +a
if [ ! -d node_modules ]; then ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi

# stale OUTPUT DIR...: true when OUTPUT is missing or a file under DIR changed after it.
stale() {
  local output=$1
  shift
  [ -e "$output" ] || return 0
  [ -n "$(find "$@" -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' -o -name '*.json' \) \
    -not -path '*/node_modules/*' -not -path '*/dist/*' -newer "$output" -print -quit 2>/dev/null)" ]
}

built=()
# Every role but the dashboard, which has its own build below.
server_sources=($(ls -d apps/*/ | grep -v '^apps/web/$') libs migrations scripts bench tsconfig.json tsconfig.build.json)
if stale dist/scripts/demo/main.js "${server_sources[@]}"; then
  echo "building the server (nest build)…"
  npx nest build api
  touch dist/scripts/demo/main.js
  built+=(server)
fi
if stale dist/agent/farmhand-agent.cjs apps/agent libs/protocol; then
  echo "building the agent bundle…"
  node apps/agent/build.mjs > /dev/null
  built+=(agent)
fi
if stale apps/web/dist/index.html apps/web libs/authz libs/dashboard/src/dashboard.messages.ts; then
  echo "building the dashboard (vite)…"
  npm run --silent build:web > /dev/null
  built+=(dashboard)
fi
if [ ${#built[@]} -gt 0 ]; then echo "  ✓ built: ${built[*]}"; else echo "  ✓ build up to date"; fi
exec node dist/scripts/demo/main.js "$@"
