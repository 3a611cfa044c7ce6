#!/usr/bin/env bash
# Runs every test suite: type check, lint, dependency boundaries, API contract drift, schema drift, unit, medium (real Postgres + Redis) and e2e.
# Installs what is missing first, so it passes on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; fi
mkdir -p test/artifacts
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium (browser tests)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
echo "== type check"
npx tsc -p tsconfig.json --noEmit
echo "== lint"
npx eslint . --max-warnings=0
npx prettier --check . > /dev/null || { npx prettier --check . ; exit 1; }
echo "== dependency boundaries (npm run boundaries)"
scripts/check-boundaries.sh
echo "== API contract drift (npm run openapi -- --check)"
npm run --silent openapi -- --check
echo "== agent bundle and web build"
node apps/agent/build.mjs
npx tsc -p apps/web/tsconfig.json
npx vite build --config apps/web/vite.config.mts --logLevel warn
echo "== jest (unit, medium, e2e)"
set +e
npx jest --ci --maxWorkers=2 --json --outputFile=test/artifacts/jest-results.json "$@"
status=$?
set -e
node -e "
const r = require('./test/artifacts/jest-results.json');
console.log('tests: ' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed' + (r.numPendingTests ? ', ' + r.numPendingTests + ' skipped' : '') + (r.numRuntimeErrorTestSuites ? ', ' + r.numRuntimeErrorTestSuites + ' suites failed to run' : ''));
"
exit $status
