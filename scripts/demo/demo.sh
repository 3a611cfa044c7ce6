#!/usr/bin/env bash
# npm run demo: builds what is missing or older than its sources (scripts/build-stale.sh, as npm start), then runs
# the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEMO_STARTED_AT=$(date +%s%3N)
export DEMO_STARTED_AT
[ -f .env ] && set -a && . ./.env && set +a
if [ ! -d node_modules ]; then ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi

bash scripts/build-stale.sh
exec node dist/scripts/demo/main.js "$@"
