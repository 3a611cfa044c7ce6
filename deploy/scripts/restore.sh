#!/usr/bin/env bash
# Restores a backup made by backup.sh into an EMPTY database and an EMPTY (or absent) data directory.
#
#   DATABASE_URL=postgres://.../farmhand_restored DATA_DIR=/data-restored deploy/scripts/restore.sh <backup-dir>
#
# Create the database first (createdb, or your provider's console). Nothing is overwritten: a target that holds
# tables or files is refused. The checksums are verified first; the database is restored in one transaction and the
# files are moved into place only after it succeeded, so a failed restore leaves both targets empty.
# Afterwards start the roles as usual: the migrate step applies migrations newer than the backup.
# Run it as the user the roles run as (uid 10001 in the image), or as root, which keeps the owners in the archive.
set -euo pipefail

usage() {
  echo "usage: DATABASE_URL=postgres://... DATA_DIR=<dir> $0 <backup-dir>" >&2
  exit 64
}

[ "$#" -eq 1 ] || usage
backup="$1"
: "${DATABASE_URL:?DATABASE_URL is required (the empty database to restore into)}"
: "${DATA_DIR:?DATA_DIR is required (the empty or absent directory to restore the files into)}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *)
  echo "restore: DATABASE_URL must be a postgres:// URL" >&2
  exit 64
  ;;
esac
for file in database.dump data.tar.gz BACKUP SHA256SUMS; do
  [ -f "$backup/$file" ] || {
    echo "restore: $backup/$file is missing: not a complete backup" >&2
    exit 66
  }
done
for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "restore: $tool is not installed" >&2
    exit 69
  }
done

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
  echo "restore: checksums do not match: the backup is damaged" >&2
  exit 65
}

relations=$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --set=ON_ERROR_STOP=1 --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
[ "$relations" = "0" ] || {
  echo "restore: the target database is not empty ($relations relations); restore into a new database" >&2
  exit 73
}

mkdir -p "$DATA_DIR"
[ -z "$(ls -A "$DATA_DIR")" ] || {
  echo "restore: $DATA_DIR is not empty; restore into a new directory" >&2
  exit 73
}
staging="$DATA_DIR/.restoring"
mkdir "$staging"
trap 'rm -rf "$staging"' EXIT

tar --extract --gzip --file="$backup/data.tar.gz" --directory="$staging"
pg_restore --dbname="$DATABASE_URL" --single-transaction --exit-on-error --no-owner --no-privileges \
  "$backup/database.dump"

find "$staging" -mindepth 1 -maxdepth 1 -exec mv -t "$DATA_DIR" -- {} +
rmdir "$staging"
trap - EXIT
echo "restored $(basename "$backup") into the database and $DATA_DIR"
