#!/usr/bin/env bash
# Regenerates the first migration of the Prisma fixtures with the real Prisma CLI:
#   prisma migrate diff --from-empty --to-schema-datamodel <schema> --script
#
# The CLI normally downloads a native schema engine at run time. This script instead runs the
# WebAssembly schema engine that ships inside the `prisma` npm package, through the PostgreSQL
# driver adapter (`engine: 'js'` in prisma.config.ts), which needs a reachable PostgreSQL server
# (nothing is written to it). The query-engine library the CLI insists on loading is never
# used by `migrate diff`: an empty placeholder file satisfies the check.
#
# Usage: PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres bash testdata/generate-prisma.sh
set -euo pipefail

PRISMA_VERSION=6.19.0
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "prisma@$PRISMA_VERSION" "@prisma/adapter-pg@$PRISMA_VERSION" pg
url="postgresql://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-postgres}"
cat > prisma.config.ts <<CONFIG
import { defineConfig } from 'prisma/config'
import { PrismaPg } from '@prisma/adapter-pg'
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: '$url' }),
})
CONFIG
touch placeholder.so.node

for fixture in prisma-full prisma-native; do
  schema="$here/$fixture/prisma/schema.prisma"
  out="$here/$fixture/prisma/migrations/20250301120000_init/migration.sql"
  mkdir -p "$(dirname "$out")"
  PRISMA_QUERY_ENGINE_LIBRARY="$work/placeholder.so.node" \
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false \
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 \
    npx prisma migrate diff --from-empty --to-schema-datamodel "$schema" --script \
    | sed '1{/^$/d}' > "$out"
  echo "wrote $out"
done
