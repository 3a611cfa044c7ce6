#!/usr/bin/env bash
# Builds what is missing or older than its sources, and nothing else: the server (apps, libs, migrations, scripts
# into dist/, incrementally), the agent bundle and the dashboard. `npm start` and `npm run demo` run it first;
# `npm run build` builds everything.
set -euo pipefail
cd "$(dirname "$0")/.."

# stale OUTPUT PATH...: true when OUTPUT is missing or a source file under PATH changed after it.
stale() {
  local output=$1
  shift
  [ -e "$output" ] || return 0
  [ -n "$(find "$@" -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' -o -name '*.json' \) \
    -not -path '*/node_modules/*' -not -path '*/dist/*' -newer "$output" -print -quit 2>/dev/null)" ]
}

built=()
# Every role but the dashboard (built below); bench and scripts import test/support and test/factories.
server_sources=($(ls -d apps/*/ | grep -v '^apps/web/$') libs migrations scripts bench test/support test/factories
  tsconfig.json tsconfig.build.json)
if stale dist/.built "${server_sources[@]}"; then
  echo "building the server (tsc, changed files only)…"
  node scripts/build-server.mjs
  built+=(server)
fi
if stale dist/agent/farmhand-agent.cjs apps/agent libs/protocol; then
  echo "building the agent bundle…"
  node apps/agent/build.mjs > /dev/null
  built+=(agent)
fi
# The dashboard bundles a few server files through Vite aliases (apps/web/vite.config.mts).
web_sources=(apps/web libs/authz libs/dashboard/src/dashboard.messages.ts libs/enrollment/src/export/csv-cell.ts
  libs/enrollment/src/export/qr-sheet-page.ts)
if stale apps/web/dist/index.html "${web_sources[@]}"; then
  echo "building the dashboard (vite)…"
  npm run --silent build:web > /dev/null
  built+=(dashboard)
fi
if [ ${#built[@]} -gt 0 ]; then echo "  ✓ built: ${built[*]}"; else echo "  ✓ build up to date"; fi
