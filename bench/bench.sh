#!/usr/bin/env bash
# The move benchmark: the service (HTTP, wrk + move.lua) against its own move statement straight on
# PostgreSQL (pgbench -M prepared) and against the same move with no event delivery at all, at each
# connection count; with BENCH_BEFORE_JAR, a build before a change and one after it, alternating.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/bench.sh   (no arguments; settings through the environment)

Needs the jar(s) (build first: mvn -q -DskipTests package), wrk, pgbench, psql, curl, jq.
Starts each build (AUTH_MODE=none) on a fresh database of its own, seeds cards on BENCH_DATE, warms
up, then at each connection count runs, back to back: for each build pgbench with that build's move
statement and wrk against that build; then pgbench with the move without any event delivery
(bench/PgbenchMoveScript.java --no-events) on the last build's database. BENCH_SECONDS each,
BENCH_ROUNDS times. Prints moves/s, p50, p99 and the ratios, also written to load_test_results/bench_<UTC ts>.md.

  BENCH_JAR             the build under test, "after" (default target/move-api.jar)
  BENCH_BEFORE_JAR      a build to compare with, "before" (e.g. main built at the fork point); unset: one build
  BENCH_ADMIN_URL       server for the fresh databases (default postgresql://postgres:postgres@127.0.0.1:5432/postgres)
  BENCH_PRIVATE_PG=1    start a throwaway PostgreSQL cluster on BENCH_PG_PORT (default 18093) instead
                        (=tmpfs: that cluster in /dev/shm, so commits never wait for the disk)
  BENCH_CONNECTIONS     connection counts (default "20 64 256")
  BENCH_SECONDS         seconds per measured run (default 15)
  BENCH_ROUNDS          times the whole series is repeated; the median ratios are printed too (default 1)
  BENCH_WARMUP_SECONDS  seconds of warm-up for each tool and build at 64 connections or fewer (default 10)
  BENCH_CARDS           cards seeded per build (default 4 x the largest connection count)
  BENCH_DATE            board date of the cards (default 2031-02-01)
  PORT                  first service port; the next build gets PORT + 1 (default 18083)
  DB_POOL_SIZE          the services' pool (default 16)
  BENCH_JAVA_OPTS       extra JVM flags for the services (e.g. a JFR recording)
USAGE
}
no_arguments "$@"

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
trap stop_builds EXIT
trap 'exit 130' INT TERM
start_builds "$BENCH_CARDS" "$MAX_CONNECTIONS"
for i in "${!BUILD_NAMES[@]}"; do
  java -cp "${BUILD_JARS[$i]}" bench/PgbenchMoveScript.java >"$WORK/${BUILD_NAMES[$i]}.pgbench"
done
LAST=$((${#BUILD_NAMES[@]} - 1))
# The move with no event delivery writes a history row of the shape it had before the event log:
# V1's appointment_moves, foreign key and index included, under another name.
sed -n '/^CREATE TABLE appointment_moves/,/^CREATE INDEX appointment_moves_appointment_idx/p' sql/V1__schema.sql \
  | sed 's/appointment_moves/bench_moves_v1/g' | psql "${BUILD_URLS[$LAST]}" -v ON_ERROR_STOP=1 -q
java -cp "${BUILD_JARS[$LAST]}" bench/PgbenchMoveScript.java --no-events >"$WORK/no-events.pgbench"

run_pgbench() { # CONNECTIONS SECONDS SCRIPT: prints "tps=… p50_ms=… p99_ms=…" (latencies from the per-transaction log)
  local out
  rm -f "$WORK"/pgbench_log*
  out=$(cd "$WORK" && pgbench -n -M prepared -c "$1" -j 2 -T "$2" -l --log-prefix=pgbench_log \
      -D first_card="$FIRST_CARD" -D version=0 -f "$3" "$DATABASE_URL" 2>&1) \
    || { echo "$out" >&2; die "pgbench failed at $1 connections ($3)"; }
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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

WARMUP_CONNECTIONS=$((MAX_CONNECTIONS < 64 ? MAX_CONNECTIONS : 64))
for i in "${!BUILD_NAMES[@]}"; do
  select_build "$i"
  log "warm-up ${BUILD_NAMES[$i]}: wrk and pgbench at $WARMUP_CONNECTIONS connections, ${BENCH_WARMUP_SECONDS}s each"
  measure_wrk "$WARMUP_CONNECTIONS" "$BENCH_WARMUP_SECONDS" >/dev/null
  run_pgbench "$WARMUP_CONNECTIONS" "$BENCH_WARMUP_SECONDS" "${BUILD_NAMES[$i]}.pgbench" >/dev/null
done
run_pgbench "$WARMUP_CONNECTIONS" "$BENCH_WARMUP_SECONDS" no-events.pgbench >/dev/null

LOAD_BEFORE=$(uptime)
BUILD_ROWS=() PAIR_ROWS=()
declare -A RATIOS # "name connections" -> that ratio of each round
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for c in "${CONNECTION_COUNTS[@]}"; do
    declare -A SERVICE_RATE=()
    for i in "${!BUILD_NAMES[@]}"; do
      name=${BUILD_NAMES[$i]}
      select_build "$i"
      log "round $round, $c connections, $name: pgbench ${BENCH_SECONDS}s"
      pg=$(run_pgbench "$c" "$BENCH_SECONDS" "$name.pgbench")
      log "  $pg"
      log "round $round, $c connections, $name: wrk ${BENCH_SECONDS}s"
      svc=$(measure_wrk "$c" "$BENCH_SECONDS")
      log "  $svc"
      SERVICE_RATE[$name]=$(field ok_per_s "$svc")
      own=$(ratio "$(field ok_per_s "$svc")" "$(field tps "$pg")")
      RATIOS["$name÷statement $c"]="${RATIOS["$name÷statement $c"]:-} $own"
      BUILD_ROWS+=("| $round | $c | $name | $(field ok_per_s "$svc") | $(field p50_ms "$svc") | $(field p99_ms "$svc") | $(field conflict "$svc") | $(field tps "$pg") | $(field p50_ms "$pg") | $(field p99_ms "$pg") | **$own** |")
      [ "$i" -ne "$LAST" ] || AFTER_TPS=$(field tps "$pg")
    done
    log "round $round, $c connections: pgbench without event delivery ${BENCH_SECONDS}s"
    base=$(run_pgbench "$c" "$BENCH_SECONDS" no-events.pgbench)
    log "  $base"
    statement=$(ratio "$AFTER_TPS" "$(field tps "$base")")
    RATIOS["statement÷no-events $c"]="${RATIOS["statement÷no-events $c"]:-} $statement"
    speedup="—"
    if [ "${#BUILD_NAMES[@]}" -eq 2 ]; then
      speedup=$(ratio "${SERVICE_RATE[after]}" "${SERVICE_RATE[before]}")
      RATIOS["after÷before $c"]="${RATIOS["after÷before $c"]:-} $speedup"
      speedup="**$speedup**"
    fi
    PAIR_ROWS+=("| $round | $c | $(field tps "$base") | $(field p50_ms "$base") | $(field p99_ms "$base") | **$statement** | $speedup |")
  done
done
LOAD_AFTER=$(uptime)

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

{
  echo "# Move benchmark $STAMP"
  echo
  echo "Command: \`BENCH_ROUNDS=$BENCH_ROUNDS BENCH_SECONDS=$BENCH_SECONDS BENCH_WARMUP_SECONDS=$BENCH_WARMUP_SECONDS BENCH_CONNECTIONS=\"$BENCH_CONNECTIONS\" DB_POOL_SIZE=$DB_POOL_SIZE${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG}${BENCH_BEFORE_JAR:+ BENCH_BEFORE_JAR=$BENCH_BEFORE_JAR} BENCH_JAR=${BUILD_JARS[$LAST]} bench/bench.sh\`"
  echo "on $(machine_line),"
  echo "PostgreSQL $(psql "${BUILD_URLS[$LAST]}" -qAtc 'SHOW server_version'), $BENCH_CARDS cards per build, wrk -t2 (move.lua), pgbench -M prepared -j 2, ${BENCH_SECONDS}s per run, alternating."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$LOAD_AFTER\`"
  echo
  echo "Each build against its own move statement:"
  echo
  echo "| round | connections | build | service moves/s | service p50 ms | service p99 ms | service 409s | statement (pgbench) moves/s | pgbench p50 ms | pgbench p99 ms | service ÷ statement |"
  echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${BUILD_ROWS[@]}"
  echo
  echo "The same move with no event delivery at all (pgbench, on the ${BUILD_NAMES[$LAST]} build's database), and the ratios of the round:"
  echo
  echo "| round | connections | no-events moves/s | p50 ms | p99 ms | ${BUILD_NAMES[$LAST]} statement ÷ no-events | after ÷ before (service) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${PAIR_ROWS[@]}"
  echo
  for key in "${!RATIOS[@]}"; do
    echo "- $key connections: median over $BENCH_ROUNDS round(s): **$(median <<<"${RATIOS[$key]}")** (${RATIOS[$key]# })"
  done | sort -t' ' -k1,1 -k2,2n
} | tee "$REPORT"
log "written to $REPORT (service logs: ${REPORT%.md}_*_service.log)"
