#!/usr/bin/env bash
# Restore drill (docs/operations.md): dump the platform's database, restore it into a fresh database,
# and check that `evidence audit verify` passes on the copy. Nothing is written to the source.
#
#   scripts/restore-drill.sh SOURCE_DATABASE_URL ADMIN_DATABASE_URL EVIDENCE_HOME
#
# SOURCE_DATABASE_URL  the platform's database (a superuser or the owner: pg_dump reads every table)
# ADMIN_DATABASE_URL   a database on the restore server to connect to for CREATE/DROP DATABASE (…/postgres)
# EVIDENCE_HOME        a home holding the restored keys/ (and objects/ for the filesystem store, or set S3_*)
# Keep the drill database with KEEP=1. pg_dump must be at least the server's major version.
set -euo pipefail
source_url=$1 admin_url=$2 home=$3
here=$(cd "$(dirname "$0")/.." && pwd)
name="restore_drill_$(date +%s)_$$"
dump=$(mktemp --suffix=.dump)
restored_url="${admin_url%/*}/${name}"
cleanup() {
  rm -f "$dump"
  if [ "${KEEP:-0}" != 1 ]; then psql -q "$admin_url" -c "drop database if exists ${name} with (force)" >/dev/null; fi
}
trap cleanup EXIT
pg_dump --format=custom --file="$dump" "$source_url"
psql -q "$admin_url" -c "create database ${name} template template0" >/dev/null
pg_restore --exit-on-error --dbname="$restored_url" "$dump"
echo "restored into ${name}; verifying the trails"
EVIDENCE_HOME="$home" DATABASE_URL="$restored_url" node "$here/bin/evidence.js" audit verify
