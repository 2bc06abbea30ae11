#!/usr/bin/env bash
# The k6 scripts cannot run here (k6 is AGPL and never installed), so CI checks what it can:
# the scripts type-check against @types/k6, the decision modules in k6/lib pass their tests, and
# the scripts' requests, checks and decisions work against the built service (service.itest.js).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "== Debian's nodejs and npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "k6-check: needs Node 18 or newer (node --test), found $(node --version)" >&2
  exit 1
fi

echo "== k6/: npm ci (pinned typescript and @types/k6)"
(cd k6 && timeout 300 npm ci --no-audit --no-fund)

echo "== k6/: tsc type-check"
(cd k6 && timeout 120 npx --no-install tsc -p . --noEmit)

echo "== k6/lib: node --test"
timeout 120 node --test k6/lib/

echo "== k6/lib/service.itest.js: the scripts' requests against the built service"
jar=target/move-api.jar
port=${K6_CHECK_PORT:-18081}
[ -f "$jar" ] || { echo "k6-check: $jar is missing; build it first (mvn -q -DskipTests package)" >&2; exit 1; }
: "${TEST_DATABASE_URL:?k6-check: TEST_DATABASE_URL must be set (.ci/run exports it)}"
server_url=${TEST_DATABASE_URL%/*} # the same server, our own database
db="${TEST_DATABASE_URL##*/}_k6_check" # named after the test database, so two checkouts do not share it
su postgres -c "dropdb --if-exists $db && createdb $db"
log=$(mktemp)
source .ci/lib/service.sh
trap 'service_stop; rm -f "$log"' EXIT
service_start env DATABASE_URL="$server_url/$db" AUTH_MODE=none PORT="$port" SHUTDOWN_DRAIN_MS=0 java -jar "$jar" >"$log" 2>&1
service_await_ready "http://127.0.0.1:$port" 60 || { echo "k6-check: the service's log:" >&2; cat "$log" >&2; exit 1; }
BASE_URL="http://127.0.0.1:$port" timeout 120 node --test k6/lib/service.itest.js
