#!/usr/bin/env bash
# The move benchmark: the service (HTTP, wrk + move.lua) against the same move statement straight
# on PostgreSQL (pgbench -M prepared), alternating at each connection count, on one database.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/bench.sh   (no arguments; settings through the environment)

Needs target/move-api.jar (build it first: mvn -q -DskipTests package), wrk, pgbench, psql, curl, jq.
Starts the service (AUTH_MODE=none) on a fresh database, seeds cards on BENCH_DATE, warms up, then
at each connection count runs pgbench and wrk for BENCH_SECONDS each (BENCH_ROUNDS times) and prints
moves/s, p50, p99 and the ratio service / pgbench. The table is also written to load_test_results/bench_<UTC ts>.md.

  DATABASE_URL          database to use as is (default: a fresh database through BENCH_ADMIN_URL, dropped after)
  BENCH_ADMIN_URL       server for the fresh database (default postgresql://postgres:postgres@127.0.0.1:5432/postgres)
  BENCH_PRIVATE_PG=1    start a throwaway PostgreSQL cluster on BENCH_PG_PORT (default 18093) instead
                        (=tmpfs: that cluster in /dev/shm, so commits never wait for the disk)
  BENCH_CONNECTIONS     connection counts (default "20 64 256")
  BENCH_SECONDS         seconds per measured run (default 15)
  BENCH_ROUNDS          times the whole connection series is repeated; the median ratio is printed too (default 1)
  BENCH_WARMUP_SECONDS  seconds of warm-up for each tool at 64 connections or fewer (default 10)
  BENCH_CARDS           cards seeded (default 4 x the largest connection count)
  BENCH_DATE            board date of the cards (default 2031-02-01)
  PORT                  service port (default 18083)
  DB_POOL_SIZE          the service's pool (default 16)
  BENCH_JAVA_OPTS       extra JVM flags for the service (e.g. a JFR recording)
  BENCH_JAR             the service's jar (default target/move-api.jar)
USAGE
}
no_arguments "$@"

require_jar
require_tools java wrk pgbench psql curl jq
shared_settings
BENCH_SECONDS="${BENCH_SECONDS:-15}"
BENCH_ROUNDS="${BENCH_ROUNDS:-1}"
BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-10}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-20 64 256}"
for name in BENCH_SECONDS BENCH_ROUNDS BENCH_WARMUP_SECONDS; do positive_int "$name" "${!name}"; done
read -ra CONNECTION_COUNTS <<<"$BENCH_CONNECTIONS"
[ "${#CONNECTION_COUNTS[@]}" -gt 0 ] || die "BENCH_CONNECTIONS is empty"
MAX_CONNECTIONS=0
for c in "${CONNECTION_COUNTS[@]}"; do
  positive_int BENCH_CONNECTIONS "$c"
  [ "$c" -ge 2 ] || die "BENCH_CONNECTIONS values must be at least 2 (wrk runs 2 threads), got $c"
  [ "$c" -gt "$MAX_CONNECTIONS" ] && MAX_CONNECTIONS=$c
done
BENCH_CARDS="${BENCH_CARDS:-$((4 * MAX_CONNECTIONS))}"
positive_int BENCH_CARDS "$BENCH_CARDS"
# pgbench client N owns card N; wrk needs more cards than connections so a card is never in flight twice.
[ "$BENCH_CARDS" -ge $((2 * MAX_CONNECTIONS)) ] || die "BENCH_CARDS must be at least 2 x the largest connection count ($((2 * MAX_CONNECTIONS))), got $BENCH_CARDS"

prepare_run bench
stop_stack_on_exit

start_stack "$BENCH_CARDS" $((MAX_CONNECTIONS + DB_POOL_SIZE + 1))
java -cp "$JAR" bench/PgbenchMoveScript.java >"$WORK/move.pgbench"

run_pgbench() { # CONNECTIONS SECONDS: prints "tps=… p50_ms=… p99_ms=…" (latencies from the per-transaction log)
  local out
  rm -f "$WORK"/pgbench_log*
  out=$(cd "$WORK" && pgbench -n -M prepared -c "$1" -j 2 -T "$2" -l --log-prefix=pgbench_log \
      -D first_card="$FIRST_CARD" -D version=0 -f move.pgbench "$DATABASE_URL" 2>&1) \
    || { echo "$out" >&2; die "pgbench failed at $1 connections"; }
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
  [ -n "$tps" ] || { echo "$out" >&2; die "pgbench printed no tps line"; }
  # Field 3 of pgbench's transaction log is the latency in microseconds.
  local p50 p99
  read -r _ p50 _ p99 _ < <(cat "$WORK"/pgbench_log* | awk '{ print $3 / 1000 }' | percentiles 2)
  printf 'tps=%.1f p50_ms=%s p99_ms=%s\n' "$tps" "$p50" "$p99"
}

measure_wrk() { # CONNECTIONS SECONDS
  write_cards_file "$WORK/cards"
  run_wrk "$1" "$2" "$WORK/cards"
}

WARMUP_CONNECTIONS=$((MAX_CONNECTIONS < 64 ? MAX_CONNECTIONS : 64))
log "warm-up: wrk and pgbench at $WARMUP_CONNECTIONS connections, ${BENCH_WARMUP_SECONDS}s each"
measure_wrk "$WARMUP_CONNECTIONS" "$BENCH_WARMUP_SECONDS" >/dev/null
run_pgbench "$WARMUP_CONNECTIONS" "$BENCH_WARMUP_SECONDS" >/dev/null

LOAD_BEFORE=$(uptime)
ROWS=()
declare -A RATIOS # connections -> the rounds' ratios
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for c in "${CONNECTION_COUNTS[@]}"; do
    log "round $round, $c connections: pgbench ${BENCH_SECONDS}s"
    pg=$(run_pgbench "$c" "$BENCH_SECONDS")
    log "  $pg"
    log "round $round, $c connections: wrk ${BENCH_SECONDS}s"
    svc=$(measure_wrk "$c" "$BENCH_SECONDS")
    log "  $svc"
    ratio=$(awk -v s="$(field ok_per_s "$svc")" -v p="$(field tps "$pg")" 'BEGIN { printf "%.2f", s / p }')
    RATIOS[$c]="${RATIOS[$c]:-} $ratio"
    ROWS+=("| $round | $c | $(field ok_per_s "$svc") | $(field p50_ms "$svc") | $(field p99_ms "$svc") | $(field conflict "$svc") | $(field tps "$pg") | $(field p50_ms "$pg") | $(field p99_ms "$pg") | **$ratio** |")
  done
done
LOAD_AFTER=$(uptime)

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

{
  echo "# Move benchmark $STAMP"
  echo
  echo "Command: \`BENCH_ROUNDS=$BENCH_ROUNDS BENCH_SECONDS=$BENCH_SECONDS BENCH_WARMUP_SECONDS=$BENCH_WARMUP_SECONDS BENCH_CONNECTIONS=\"$BENCH_CONNECTIONS\" DB_POOL_SIZE=$DB_POOL_SIZE${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG} BENCH_JAR=$JAR bench/bench.sh\`"
  echo "on $(machine_line),"
  echo "PostgreSQL $(psql "$DATABASE_URL" -qAtc 'SHOW server_version'), $BENCH_CARDS cards, wrk -t2 (move.lua), pgbench -M prepared -j 2, ${BENCH_SECONDS}s per run, alternating."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$LOAD_AFTER\`"
  echo
  echo "| round | connections | service moves/s | service p50 ms | service p99 ms | service 409s | pgbench moves/s | pgbench p50 ms | pgbench p99 ms | service ÷ pgbench |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  for c in "${CONNECTION_COUNTS[@]}"; do
    echo "- $c connections: median service ÷ pgbench over $BENCH_ROUNDS round(s): **$(median <<<"${RATIOS[$c]}")** (${RATIOS[$c]# })"
  done
} | tee "$REPORT"
log "written to $REPORT (service log: $SERVICE_LOG)"
