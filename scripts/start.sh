#!/usr/bin/env bash
# Runs Farmhand: installs if needed, builds, applies pending migrations (under an advisory lock), starts api + worker.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
if [ ! -d node_modules ]; then ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi
npm run --silent build
node dist/scripts/preflight.js
node dist/scripts/db.js migrate
node dist/apps/api/src/main.js &
api=$!
node dist/apps/worker/src/main.js &
worker=$!
trap 'kill -TERM $api $worker 2>/dev/null; wait' INT TERM
echo "Farmhand: http://localhost:${PORT:-3000}  (api pid $api, worker pid $worker; Ctrl-C stops both)"
# When either role exits, stop the other and exit with its status.
set +e
wait -n $api $worker
status=$?
kill -TERM $api $worker 2>/dev/null
wait
exit $status
