#!/usr/bin/env bash
# CPU per board: the service's process CPU (and, on a private cluster, PostgreSQL's) per GET of a
# board of BOARD_CARDS cards, read from /proc around a wrk -c2 run; with BENCH_BEFORE_JAR, a build
# before a change and one after it, alternating. Also the same with If-None-Match (a 304) when the
# build answers with an ETag.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/board-cpu.sh   (no arguments; settings through the environment)

Needs the jar(s) (build first: mvn -q -DskipTests package), wrk, psql, curl, jq.
Starts each build (AUTH_MODE=none) on a fresh database of its own, seeds BOARD_CARDS cards on
BENCH_DATE, warms up, then BOARD_ROUNDS times, for each build: wrk -t1 -c2 on the full board for
BOARD_SECONDS, then the same with the board's ETag as If-None-Match. CPU per request = the process's
utime + stime (/proc/PID/stat) over the run ÷ requests. Written to load_test_results/board_cpu_<UTC ts>.md.

  BENCH_JAR             the build under test, "after" (default target/move-api.jar)
  BENCH_BEFORE_JAR      a build to compare with, "before"; unset: one build
  BENCH_PRIVATE_PG=1    a throwaway PostgreSQL cluster (then PostgreSQL's CPU per board is measured too;
                        =tmpfs: in /dev/shm)
  BOARD_CARDS           cards on the board (default 1000)
  BOARD_SECONDS         seconds per measured run (default 20)
  BOARD_ROUNDS          rounds (default 2)
  BOARD_WARMUP_SECONDS  seconds of warm-up per build (default 10)
  BENCH_DATE, PORT, DB_POOL_SIZE, BENCH_ADMIN_URL, BENCH_JAVA_OPTS   as in bench/bench.sh --help
USAGE
}
no_arguments "$@"

require_tools java wrk psql curl jq
shared_settings
BOARD_CARDS="${BOARD_CARDS:-1000}"
BOARD_SECONDS="${BOARD_SECONDS:-20}"
BOARD_ROUNDS="${BOARD_ROUNDS:-2}"
BOARD_WARMUP_SECONDS="${BOARD_WARMUP_SECONDS:-10}"
for name in BOARD_CARDS BOARD_SECONDS BOARD_ROUNDS BOARD_WARMUP_SECONDS; do positive_int "$name" "${!name}"; done

prepare_run board_cpu
trap stop_builds EXIT
trap 'exit 130' INT TERM
start_builds "$BOARD_CARDS" 2
TICKS_PER_SECOND=$(getconf CLK_TCK)

process_ticks() { # PID: its utime + stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the command's ")")
  sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# The private cluster's CPU: the postmaster's own and its exited children's (fields 14-17), plus
# every live child's, so a backend that ends during a run still counts. Empty when the server is not ours.
postgres_ticks() {
  [ -n "$PRIVATE_PG_DIR" ] || return 0
  local postmaster child total
  postmaster=$(head -1 "$PRIVATE_PG_DIR/data/postmaster.pid")
  total=$(sed 's/.*) //' "/proc/$postmaster/stat" | awk '{ print $12 + $13 + $14 + $15 }')
  for child in $(pgrep -P "$postmaster"); do
    total=$((total + $(process_ticks "$child" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

board_url() { echo "http://127.0.0.1:$PORT/api/admin/appointments/board?date=$BENCH_DATE"; }

measure() { # SECONDS [IF_NONE_MATCH]: prints "requests=… jvm_ms=… pg_ms=…" per request
  local header=() out requests jvm0 jvm1 pg0 pg1
  [ -z "${2:-}" ] || header=(-H "If-None-Match: $2")
  jvm0=$(process_ticks "$SERVICE_PID")
  pg0=$(postgres_ticks)
  out=$(wrk -t1 -c2 -d"$1"s --timeout 10s "${header[@]}" "$(board_url)") || { echo "$out" >&2; die "wrk failed"; }
  jvm1=$(process_ticks "$SERVICE_PID")
  pg1=$(postgres_ticks)
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
  grep -q "Non-2xx" <<<"$out" && [ -z "${2:-}" ] && { echo "$out" >&2; die "the board answered non-2xx"; }
  awk -v n="$requests" -v j=$((jvm1 - jvm0)) -v p="${pg0:+$((pg1 - pg0))}" -v hz="$TICKS_PER_SECOND" \
    'BEGIN { printf "requests=%d jvm_ms=%.2f pg_ms=%s\n", n, j * 1000 / hz / n, p == "" ? "—" : sprintf("%.2f", p * 1000 / hz / n) }'
}

for i in "${!BUILD_NAMES[@]}"; do
  select_build "$i"
  [ "$(curl -fsS "$(board_url)" | jq '[.data.columns[].items[]] | length')" -eq "$BOARD_CARDS" ] || die "the board of ${BUILD_NAMES[$i]} does not hold $BOARD_CARDS cards"
  log "warm-up ${BUILD_NAMES[$i]}: ${BOARD_WARMUP_SECONDS}s"
  measure "$BOARD_WARMUP_SECONDS" >/dev/null
done

LOAD_BEFORE=$(uptime)
ROWS=()
for ((round = 1; round <= BOARD_ROUNDS; round++)); do
  for i in "${!BUILD_NAMES[@]}"; do
    select_build "$i"
    full=$(measure "$BOARD_SECONDS")
    log "round $round, ${BUILD_NAMES[$i]}, full board: $full"
    ROWS+=("| $round | ${BUILD_NAMES[$i]} | full (200) | $(field requests "$full") | **$(field jvm_ms "$full")** | $(field pg_ms "$full") |")
    etag=$(curl -fsS -o /dev/null -D - "$(board_url)" | sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*\)\r$/\1/p')
    if [ -n "$etag" ]; then
      unchanged=$(measure "$BOARD_SECONDS" "$etag")
      log "round $round, ${BUILD_NAMES[$i]}, If-None-Match: $unchanged"
      ROWS+=("| $round | ${BUILD_NAMES[$i]} | If-None-Match (304) | $(field requests "$unchanged") | **$(field jvm_ms "$unchanged")** | $(field pg_ms "$unchanged") |")
    fi
  done
done
LOAD_AFTER=$(uptime)

{
  echo "# CPU per board $STAMP"
  echo
  echo "Command: \`BOARD_CARDS=$BOARD_CARDS BOARD_SECONDS=$BOARD_SECONDS BOARD_ROUNDS=$BOARD_ROUNDS BOARD_WARMUP_SECONDS=$BOARD_WARMUP_SECONDS${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG}${BENCH_BEFORE_JAR:+ BENCH_BEFORE_JAR=$BENCH_BEFORE_JAR} BENCH_JAR=${BUILD_JARS[-1]} bench/board-cpu.sh\`"
  echo "on $(machine_line), $(database_place); wrk -t1 -c2, ${BOARD_SECONDS}s per run, alternating."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$LOAD_AFTER\`"
  echo
  echo "| round | build | request | requests | JVM CPU ms per request | PostgreSQL CPU ms per request |"
  echo "|---:|---|---|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$REPORT"
log "written to $REPORT"
