#!/usr/bin/env bash
# The dependency rules (.dependency-cruiser.cjs: layer order, no deep imports, no cycles, apps on top, the dashboard's
# shared files) over every source tree. test/architecture/boundaries.spec.ts proves each rule reports a violation.
set -euo pipefail
cd "$(dirname "$0")/.."
npx depcruise apps libs scripts bench test migrations --config .dependency-cruiser.cjs --output-type err --no-progress
