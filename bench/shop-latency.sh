#!/usr/bin/env bash
# The shop's scenario (locust/run.sh move: 20 users, 60 s, Locust) and, in the same seconds, two
# probes at a low fixed rate, each on a card of its own: curl moving through the service (what a
# move costs in the service under that load, measured by a client that is not itself loaded) and
# pgbench running the service's move statement straight on PostgreSQL (the floor: what a durable
# commit costs on this database at that moment, without HTTP, JSON or the JVM).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/shop-latency.sh   (no arguments; settings through the environment)

Needs target/move-api.jar (build it first: mvn -q -DskipTests package), pgbench, psql, curl, jq and
locust/run.sh's Locust (installed on first use). Starts the service (AUTH_MODE=none) on a fresh
database, warms it up with the move scenario on another date, then runs the move scenario while
curl moves one probe card through the service HTTP_PROBE_RATE times a second and pgbench moves
another PROBE_RATE times a second with MoveRepository.MOVE_SQL. Prints move p50/p95/p99 of all
three, writes them to load_test_results/shop_latency_<UTC ts>.md, and exits with locust/run.sh's
status (0 all thresholds passed, 1 a threshold breached).

  VUS, DURATION, CARDS  the scenario's users (20), seconds (60) and cards (as locust/run.sh computes them)
  SHOP_DATE             the scenario's date (default 2031-02-02; warm-up uses 2031-02-03)
  SHOP_WARMUP_SECONDS   seconds of the warm-up scenario, 0 for none (default 30)
  HTTP_PROBE_RATE       curl moves per second on its probe card (default 10)
  PROBE_RATE            pgbench moves per second on its probe card (default 5)
  DATABASE_URL, BENCH_ADMIN_URL, BENCH_PRIVATE_PG (1 or tmpfs), BENCH_PG_PORT, BENCH_DATE (the
  probe card's date), PORT, DB_POOL_SIZE, BENCH_JAVA_OPTS, BENCH_JAR: as in bench/bench.sh --help
USAGE
}
no_arguments "$@"

require_jar
require_tools java pgbench psql curl jq
shared_settings
SHOP_DATE="${SHOP_DATE:-2031-02-02}"
SHOP_WARMUP_SECONDS="${SHOP_WARMUP_SECONDS:-30}"
PROBE_RATE="${PROBE_RATE:-5}"
HTTP_PROBE_RATE="${HTTP_PROBE_RATE:-10}"
positive_int PROBE_RATE "$PROBE_RATE"
positive_int HTTP_PROBE_RATE "$HTTP_PROBE_RATE"
[[ "$SHOP_WARMUP_SECONDS" =~ ^[0-9]+$ ]] || die "SHOP_WARMUP_SECONDS must be whole seconds (0 for none), got '$SHOP_WARMUP_SECONDS'"
[[ "$SHOP_DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "SHOP_DATE must be YYYY-MM-DD, got '$SHOP_DATE'"
WARMUP_DATE=$(date -u -d "$SHOP_DATE + 1 day" +%F)
[ "$BENCH_DATE" != "$SHOP_DATE" ] && [ "$BENCH_DATE" != "$WARMUP_DATE" ] \
  || die "BENCH_DATE ($BENCH_DATE) must differ from SHOP_DATE and the warm-up date $WARMUP_DATE"
# The scenario's own settings are checked by locust/run.sh (exit 2 with the variable's name).
SECONDS_OF_RUN="${DURATION:-60}"
positive_int DURATION "$SECONDS_OF_RUN"

prepare_run shop_latency
stop_stack_on_exit

# Card FIRST_CARD is pgbench's (its client 0), FIRST_CARD + 1 curl's.
start_stack 2 $((1 + DB_POOL_SIZE + 1))
java -cp "$JAR" bench/PgbenchMoveScript.java >"$WORK/move.pgbench"
BASE_URL="http://127.0.0.1:$PORT"

# curl's moves, one config entry each (per-request options such as write-out must be repeated in
# every entry: "next" resets them), on one kept-alive connection. Seeding left the card in
# in_progress at version 2, and it is the only writer of its card, so move i goes from version
# 2 + i, to ready from an even version and back to in_progress from an odd one.
HTTP_PROBE_MOVES=$((HTTP_PROBE_RATE * SECONDS_OF_RUN))
TARGET_BY_PARITY=(ready in_progress)
for ((i = 0; i < HTTP_PROBE_MOVES; i++)); do
  version=$((2 + i))
  target=${TARGET_BY_PARITY[version % 2]}
  [ "$i" -eq 0 ] || echo next
  printf 'url = "%s/api/admin/appointments/%s/move"\nheader = "Content-Type: application/json"\ndata = "{\\"new_status\\":\\"%s\\",\\"expected_version\\":%d}"\noutput = "/dev/null"\nmax-time = 10\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
    "$BASE_URL" $((FIRST_CARD + 1)) "$target" "$version"
done >"$WORK/probe.curl"

if [ "$SHOP_WARMUP_SECONDS" -gt 0 ]; then
  log "warm-up: the move scenario for ${SHOP_WARMUP_SECONDS}s on $WARMUP_DATE"
  warm_status=0
  env -u CARDS BASE_URL="$BASE_URL" DATE="$WARMUP_DATE" DURATION="$SHOP_WARMUP_SECONDS" locust/run.sh move >"$WORK/warmup.out" 2>&1 || warm_status=$?
  # A breached threshold while cold is expected; a usage or readiness failure is not.
  [ "$warm_status" -le 1 ] || { tail -20 "$WORK/warmup.out" >&2; die "the warm-up run failed (exit $warm_status)"; }
fi

LOAD_BEFORE=$(uptime)
log "measured: the move scenario on $SHOP_DATE, with pgbench moving card $FIRST_CARD ${PROBE_RATE}/s"
BASE_URL=$BASE_URL DATE=$SHOP_DATE locust/run.sh move >"$WORK/locust.out" 2>&1 &
LOAD_PID=$!
# Probe the move phase only: the scenario logs "seeded N of N cards" when its users start.
deadline=$((SECONDS + 300))
until grep -q 'seeded [0-9]* of' "$WORK/locust.out"; do
  kill -0 "$LOAD_PID" 2>/dev/null || { tail -20 "$WORK/locust.out" >&2; die "the scenario ended before it had seeded its cards"; }
  [ "$SECONDS" -lt "$deadline" ] || die "the scenario did not finish seeding within 300 s"
  sleep 0.2
done
(cd "$WORK" && pgbench -n -M prepared -c 1 -R "$PROBE_RATE" -T "$SECONDS_OF_RUN" -l --log-prefix=probe_log \
    -D first_card="$FIRST_CARD" -D version=0 -f move.pgbench "$DATABASE_URL" >pgbench.out 2>&1) &
PGBENCH_PID=$!
curl -sS --rate "$HTTP_PROBE_RATE/s" -K "$WORK/probe.curl" >"$WORK/http_probe" \
  || die "the curl probe failed (answers so far: $WORK/http_probe)"
wait "$PGBENCH_PID" || { cat "$WORK/pgbench.out" >&2; die "pgbench failed"; }
locust_status=0
wait "$LOAD_PID" || locust_status=$?
LOAD_PID=""
LOAD_AFTER=$(uptime)
[ "$locust_status" -le 1 ] || { tail -20 "$WORK/locust.out" >&2; die "locust/run.sh move failed (exit $locust_status)"; }

# Every curl move must have been a 200: anything else means the probe lost track of its card.
[ "$(wc -l <"$WORK/http_probe")" -eq "$HTTP_PROBE_MOVES" ] \
  || die "the curl probe made $(wc -l <"$WORK/http_probe") of $HTTP_PROBE_MOVES moves (answers: $WORK/http_probe)"
awk '$1 != 200 { bad++ } END { exit bad > 0 }' "$WORK/http_probe" \
  || die "the curl probe got answers other than 200: $(awk '$1 != 200' "$WORK/http_probe" | sort | uniq -c | head -3)"
read -r http_n http_p50 http_p95 http_p99 http_max < <(awk '{ print $2 * 1000 }' "$WORK/http_probe" | percentiles 1)
# pgbench's log: field 3 is the latency in µs.
read -r probe_n probe_p50 probe_p95 probe_p99 probe_max < <(cat "$WORK"/probe_log* | awk '{ print $3 / 1000 }' | percentiles 1)
prefix=$(sed -n 's/^== reports: \(.*\)\.html, .*/\1/p' "$WORK/locust.out")
[ -f "${prefix}_stats.csv" ] || die "no Locust stats in the scenario's output: see $WORK/locust.out"
# Locust's stats CSV: Name is field 2, the request count 3, the 50 %, 95 %, 99 % and 100 % columns 12, 17, 19, 22.
read -r move_n move_p50 move_p95 move_p99 move_max < <(awk -F, '$2 == "move" { print $3, $12, $17, $19, $22 }' "${prefix}_stats.csv")
[ -n "${move_n:-}" ] || die "no move row in ${prefix}_stats.csv"

{
  echo "# The shop's scenario and the database's floor, $STAMP"
  echo
  echo "Command: \`${VUS:+VUS=$VUS }DURATION=$SECONDS_OF_RUN${CARDS:+ CARDS=$CARDS} SHOP_WARMUP_SECONDS=$SHOP_WARMUP_SECONDS HTTP_PROBE_RATE=$HTTP_PROBE_RATE PROBE_RATE=$PROBE_RATE DB_POOL_SIZE=$DB_POOL_SIZE${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG} BENCH_JAR=$JAR bench/shop-latency.sh\`"
  echo "on $(machine_line),"
  echo "PostgreSQL $(psql "$DATABASE_URL" -qAtc 'SHOW server_version') in $(database_place)."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$LOAD_AFTER\`"
  echo
  echo "| in the same ${SECONDS_OF_RUN} s | moves | p50 ms | p95 ms | p99 ms | max ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| POST …/move through the service, the scenario's users (Locust, locust/run.sh move) | $move_n | $move_p50 | $move_p95 | $move_p99 | $move_max |"
  echo "| POST …/move through the service, probe card (curl, 1 connection, ${HTTP_PROBE_RATE}/s) | $http_n | $http_p50 | $http_p95 | $http_p99 | $http_max |"
  echo "| MOVE_SQL straight on PostgreSQL (pgbench, 1 client, ${PROBE_RATE}/s) | $probe_n | $probe_p50 | $probe_p95 | $probe_p99 | $probe_max |"
  echo
  echo "Scenario verdict (locust/run.sh move, exit $locust_status):"
  echo
  grep -E '^(ok|FAIL) +threshold' "$WORK/locust.out" | sed 's/^/    /'
  echo
  echo "Locust's reports: ${prefix}.html, ${prefix}_stats.csv"
} | tee "$REPORT"
log "written to $REPORT (service log: $SERVICE_LOG)"
exit "$locust_status"
