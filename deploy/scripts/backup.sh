#!/usr/bin/env bash
# Backs up Farmhand: the PostgreSQL database (pg_dump, custom format), then the data directory (tar).
#
#   DATABASE_URL=postgres://... DATA_DIR=/data deploy/scripts/backup.sh <backup-root>
#
# Writes <backup-root>/farmhand-<UTC time>/ with database.dump, data.tar.gz and SHA256SUMS; the directory only gets
# its final name once everything is written and checked, so a half-made backup never looks complete.
# Order matters: the database first, then the files. G-code is stored by content hash and frames under fresh ids,
# so files copied after the dump are a superset of what the dump refers to (a file deleted in between is the one
# exception: see docs/operations.md). Needs pg_dump (same major version as the server, or newer), tar, sha256sum.
# The connection string is never printed.
set -euo pipefail
umask 077

usage() {
  echo "usage: DATABASE_URL=postgres://... DATA_DIR=<dir> $0 <backup-root>" >&2
  exit 64
}

[ "$#" -eq 1 ] || usage
root="$1"
: "${DATABASE_URL:?DATABASE_URL is required (the database to back up)}"
: "${DATA_DIR:?DATA_DIR is required (the data directory to back up)}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *)
  echo "backup: DATABASE_URL must be a postgres:// URL" >&2
  exit 64
  ;;
esac
[ -d "$DATA_DIR" ] || {
  echo "backup: DATA_DIR $DATA_DIR is not a directory" >&2
  exit 66
}
for tool in pg_dump pg_restore tar sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "backup: $tool is not installed" >&2
    exit 69
  }
done

mkdir -p "$root"
name="farmhand-$(date -u +%Y%m%dT%H%M%SZ)"
target="$root/$name"
partial="$root/.$name.partial"
[ ! -e "$target" ] || {
  echo "backup: $target already exists" >&2
  exit 73
}
rm -rf "$partial"
mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# 1. The database, in one snapshot (pg_dump runs in a single repeatable-read transaction). No owners or grants, so
#    it restores into a database owned by another role.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$partial/database.dump"
# The archive must be readable before anyone relies on it.
pg_restore --list "$partial/database.dump" >/dev/null

# 2. The files. Uploads still being received (gcode/.staging) and frames being written (*.tmp) are left out.
tar --create --gzip --file="$partial/data.tar.gz" --directory="$DATA_DIR" \
  --exclude=./gcode/.staging --exclude='*.tmp' .

{
  echo "farmhand backup"
  echo "started $started"
  echo "finished $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "pg_dump $(pg_dump --version | awk '{print $NF}')"
} >"$partial/BACKUP"
(cd "$partial" && sha256sum database.dump data.tar.gz BACKUP >SHA256SUMS)

mv "$partial" "$target"
trap - EXIT
echo "backup written to $target ($(du -sh "$target" | cut -f1))"
