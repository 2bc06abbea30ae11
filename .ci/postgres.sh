#!/usr/bin/env bash
# Installs (if needed) and starts Debian's PostgreSQL on 127.0.0.1:5432 with a test database,
# then prints the TEST_DATABASE_URL to use. Runs as root (CI); PostgreSQL itself runs as 'postgres'.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >&2
fi
pg_ctlcluster "$ver" main start >&2 || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >&2
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='moveapi_test'\"" | grep -q 1 \
  || su postgres -c "createdb moveapi_test" >&2
echo "postgresql://postgres:postgres@127.0.0.1:5432/moveapi_test"
