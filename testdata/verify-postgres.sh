#!/usr/bin/env bash
# Applies each fixture's forward migrations, in the order its tool would run them,
# to a fresh database on a running PostgreSQL server, statement by statement
# (psql without ON_ERROR_STOP, autocommit), and prints every statement that fails
# as `file:line: ERROR: ...` (the line psql reports is the statement's last line).
# Down/undo migrations and dbmate `-- migrate:down` sections are not applied.
#
# Usage: PGHOST=/tmp PGPORT=54329 PGUSER=pgtest bash testdata/verify-postgres.sh [--no-vector] [fixture]...
#   fixture: saas-drizzle drizzle-legacy prisma-basic plain-folder golang-migrate
#            flyway dbmate sqlx diesel supabase structure-sql (default: all)
#   --no-vector: for servers without pgvector, apply saas-drizzle from a copy with
#            the pgvector parts removed (CREATE EXTENSION vector, the ivfflat index)
#            and vector(1536) replaced by real[].
# Needs psql, python3 and a role allowed to CREATE DATABASE. Databases are named fx_*
# and dropped first if they exist.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
NO_VECTOR=0
if [ "${1:-}" = "--no-vector" ]; then NO_VECTOR=1; shift; fi
ALL=(saas-drizzle drizzle-legacy prisma-basic plain-folder golang-migrate flyway dbmate sqlx diesel supabase structure-sql)
FIXTURES=("$@")
[ ${#FIXTURES[@]} -eq 0 ] && FIXTURES=("${ALL[@]}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PSQL=(psql -X -q -v ON_ERROR_STOP=0 -v VERBOSITY=default)

fresh_db() {
  PGOPTIONS="-c client_min_messages=warning" "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

# apply DB FILE [LABEL]: runs FILE, prints psql's error lines with FILE replaced by LABEL.
apply() {
  local db=$1 file=$2 label=${3:-${2#"$HERE"/}}
  (cd "$(dirname "$file")" && "${PSQL[@]}" -d "$db" -f "$file" 2>&1 >/dev/null) |
    grep -E 'ERROR|FATAL' | sed "s#^psql:$file:#$label:#"
}

drizzle_files() { # out-dir: prints the SQL files in journal order
  python3 - "$1" <<'PY'
import json, sys, os
out = sys.argv[1]
j = json.load(open(os.path.join(out, "meta", "_journal.json")))
for e in sorted(j["entries"], key=lambda e: e["idx"]):
    print(os.path.join(out, e["tag"] + ".sql"))
PY
}

run() {
  local fx=$1 db="fx_${1//-/_}"
  echo "== $fx"
  fresh_db "$db"
  case "$fx" in
    saas-drizzle)
      local out="$HERE/saas-drizzle/drizzle"
      if [ $NO_VECTOR = 1 ]; then
        mkdir -p "$TMP/novec"
        for f in "$out"/*.sql; do
          # Keep line numbers: blank out rather than delete lines.
          sed -e 's/^CREATE EXTENSION IF NOT EXISTS vector;.*$//' \
              -e 's/^CREATE INDEX idx_knowledge_chunks_embedding .*$//' \
              -e 's/vector(1536)/real[]/' "$f" > "$TMP/novec/$(basename "$f")"
        done
        while read -r f; do apply "$db" "$TMP/novec/$(basename "$f")" "${f#"$HERE"/}"; done < <(drizzle_files "$out")
      else
        while read -r f; do apply "$db" "$f"; done < <(drizzle_files "$out")
      fi ;;
    drizzle-legacy)
      while read -r f; do apply "$db" "$f"; done < <(drizzle_files "$HERE/drizzle-legacy/drizzle") ;;
    prisma-basic)
      for f in "$HERE"/prisma-basic/prisma/migrations/*/migration.sql; do apply "$db" "$f"; done ;;
    plain-folder)
      while read -r f; do apply "$db" "$f"; done < <(ls "$HERE"/plain-folder/migrations/*.sql | sort -V) ;;
    golang-migrate)
      while read -r f; do apply "$db" "$f"; done < <(ls "$HERE"/layouts/golang-migrate/*.up.sql | sort -V) ;;
    flyway)
      local d="$HERE/layouts/flyway"
      for f in V1__init.sql V1.1__orders.sql V1.9__order_status.sql V1.10__order_status_index.sql R__views.sql; do
        apply "$db" "$d/$f"
      done ;;
    dbmate)
      for f in "$HERE"/layouts/dbmate/db/migrations/*.sql; do
        # Blank out everything from `-- migrate:down` on (keeps line numbers).
        awk '/^-- migrate:down/{down=1} {print down ? "" : $0}' "$f" > "$TMP/$(basename "$f")"
        apply "$db" "$TMP/$(basename "$f")" "${f#"$HERE"/}"
      done ;;
    sqlx)
      for f in "$HERE"/layouts/sqlx/migrations/*.up.sql; do apply "$db" "$f"; done ;;
    diesel)
      for f in "$HERE"/layouts/diesel/migrations/*/up.sql; do apply "$db" "$f"; done ;;
    supabase)
      for f in "$HERE"/layouts/supabase/supabase/migrations/*.sql; do apply "$db" "$f"; done ;;
    structure-sql)
      # The dump creates database "app" itself and \connect-s to it.
      PGOPTIONS="-c client_min_messages=warning" "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS app" >/dev/null
      apply postgres "$HERE/layouts/structure-sql/db/structure.sql" ;;
    *) echo "unknown fixture $fx" >&2; return 2 ;;
  esac
}

for fx in "${FIXTURES[@]}"; do run "$fx"; done
