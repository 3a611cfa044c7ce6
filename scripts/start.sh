#!/usr/bin/env bash
# Runs Farmhand: installs if needed, builds what changed, applies pending migrations (under an advisory lock), starts
# api + worker + inference.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
if [ ! -d node_modules ]; then ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi
bash scripts/build-stale.sh
node dist/scripts/preflight.js
node dist/scripts/db.js migrate
node dist/apps/api/src/main.js &
api=$!
node dist/apps/worker/src/main.js &
worker=$!
node dist/apps/inference/src/main.js &
inference=$!
trap 'kill -TERM $api $worker $inference 2>/dev/null; wait' INT TERM
echo "Farmhand: http://localhost:${PORT:-3000}  (api pid $api, worker pid $worker, inference pid $inference; Ctrl-C stops all)"
# When any role exits, stop the others and exit with its status.
set +e
wait -n $api $worker $inference
status=$?
kill -TERM $api $worker $inference 2>/dev/null
wait
exit $status
