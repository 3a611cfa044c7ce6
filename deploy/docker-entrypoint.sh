#!/bin/sh
# Farmhand container entrypoint: the first argument picks the role, the rest is passed to it.
#   api | worker | inference | migrate | agent   (default: api)
# `exec` replaces this shell, so the role is the direct child of tini and receives SIGTERM itself (graceful shutdown).
set -eu

role="${1:-api}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
  api) exec node dist/apps/api/src/main.js "$@" ;;
  worker) exec node dist/apps/worker/src/main.js "$@" ;;
  inference) exec node dist/apps/inference/src/main.js "$@" ;;
  migrate) exec node dist/scripts/db.js migrate "$@" ;;
  agent) exec node dist/agent/farmhand-agent.cjs "$@" ;;
  *)
    echo "farmhand: unknown role '$role' (expected one of: api, worker, inference, migrate, agent)" >&2
    exit 64
    ;;
esac
