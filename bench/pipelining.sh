#!/usr/bin/env bash
# Vert.x's Pool against PgBuilder.client() (pipelining) for the service's move statement, alternately,
# on the bench cards of a fresh database (bench/PipeliningBench.java).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/pipelining.sh   (no arguments; settings through the environment)

Needs target/move-api.jar (build it first: mvn -q -DskipTests package), psql, curl, jq.
Starts the service once to migrate and seed PIPELINING_IN_FLIGHT cards, then runs the move statement
through a Pool and through PgBuilder.client(), both of DB_POOL_SIZE connections, PIPELINING_SECONDS
each, PIPELINING_ROUNDS times alternately. Written to load_test_results/pipelining_<UTC ts>.md.

  PIPELINING_IN_FLIGHT  moves in flight at once, one chain per card (default 64)
  PIPELINING_SECONDS    seconds per run (default 15)
  PIPELINING_ROUNDS     rounds (default 2)
  BENCH_PRIVATE_PG=1    a throwaway PostgreSQL cluster (=tmpfs: in /dev/shm)
  DB_POOL_SIZE, PORT, BENCH_ADMIN_URL, BENCH_JAR   as in bench/bench.sh --help
USAGE
}
no_arguments "$@"

require_jar
require_tools java psql curl jq
shared_settings
PIPELINING_IN_FLIGHT="${PIPELINING_IN_FLIGHT:-64}"
PIPELINING_SECONDS="${PIPELINING_SECONDS:-15}"
PIPELINING_ROUNDS="${PIPELINING_ROUNDS:-2}"
for name in PIPELINING_IN_FLIGHT PIPELINING_SECONDS PIPELINING_ROUNDS; do positive_int "$name" "${!name}"; done

prepare_run pipelining
stop_stack_on_exit
start_stack "$PIPELINING_IN_FLIGHT" $((2 * DB_POOL_SIZE + DB_POOL_SIZE + 1))
stop_service
# postgresql://user[:password]@host:port/database, as common.sh builds it
read -r DB_USER DB_HOST DB_PORT DB_NAME < <(sed -E 's#^postgresql://([^:@]+)(:[^@]*)?@([^:/]+):([0-9]+)/(.*)$#\1 \3 \4 \5#' <<<"$DATABASE_URL")
LOAD_BEFORE=$(uptime)
TABLE=$(java -cp "$JAR" bench/PipeliningBench.java "$DB_HOST" "$DB_PORT" "$DB_NAME" "$DB_USER" "$FIRST_CARD" \
  "$PIPELINING_IN_FLIGHT" "$DB_POOL_SIZE" "$PIPELINING_SECONDS" "$PIPELINING_ROUNDS" 2> >(grep -v SLF4J >&2))
{
  echo "# Pool against PgBuilder.client() $STAMP"
  echo
  echo "Command: \`PIPELINING_IN_FLIGHT=$PIPELINING_IN_FLIGHT PIPELINING_SECONDS=$PIPELINING_SECONDS PIPELINING_ROUNDS=$PIPELINING_ROUNDS DB_POOL_SIZE=$DB_POOL_SIZE${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG} BENCH_JAR=$JAR bench/pipelining.sh\`"
  echo "on $(machine_line), $(database_place)."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$(uptime)\`"
  echo
  echo "$TABLE"
} | tee "$REPORT"
