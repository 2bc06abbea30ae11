#!/usr/bin/env bash
# Memory soak: wrk + move.lua at SOAK_CONNECTIONS for SOAK_MINUTES, sampling the service's RSS and
# its heap after a full GC every minute; fails when either grew more than 10 % from the first half
# of the samples to the second (medians), or when wrk saw an answer neither 2xx nor 409.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/soak.sh   (no arguments; settings through the environment)

Needs target/move-api.jar (build it first: mvn -q -DskipTests package), wrk, psql, curl, jq, jcmd.
Starts the service (AUTH_MODE=none) on a fresh database, seeds cards, runs wrk with move.lua for
SOAK_MINUTES, and every minute records VmRSS (/proc/PID/status) and the heap used after
'jcmd PID GC.run' (GC.heap_info). Prints the samples and the medians of their first and second
halves; exits 1 when either grew more than 10 %, or when wrk saw an answer neither 2xx nor 409
(e.g. 503 when the pool wait ran out). Also written to load_test_results/soak_<UTC ts>.md.

  SOAK_MINUTES        minutes of load, at least 2 (default 10)
  SOAK_CONNECTIONS    wrk connections (default 64)
  SOAK_CARDS          cards seeded (default 4 x SOAK_CONNECTIONS)
  DATABASE_URL, BENCH_ADMIN_URL, BENCH_PRIVATE_PG, BENCH_PG_PORT, BENCH_DATE, BENCH_JAR,
  BENCH_JAVA_OPTS, PORT, DB_POOL_SIZE: as for bench.sh
USAGE
}
no_arguments "$@"

require_jar
require_tools java jcmd wrk psql curl jq
shared_settings
SOAK_MINUTES="${SOAK_MINUTES:-10}"
SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-64}"
for name in SOAK_MINUTES SOAK_CONNECTIONS; do positive_int "$name" "${!name}"; done
[ "$SOAK_MINUTES" -ge 2 ] || die "SOAK_MINUTES must be at least 2 (the halves of the samples are compared), got $SOAK_MINUTES"
[ "$SOAK_CONNECTIONS" -ge 2 ] || die "SOAK_CONNECTIONS must be at least 2 (wrk runs 2 threads), got $SOAK_CONNECTIONS"
SOAK_CARDS="${SOAK_CARDS:-$((4 * SOAK_CONNECTIONS))}"
positive_int SOAK_CARDS "$SOAK_CARDS"
[ "$SOAK_CARDS" -ge $((2 * SOAK_CONNECTIONS)) ] || die "SOAK_CARDS must be at least 2 x SOAK_CONNECTIONS, got $SOAK_CARDS"

prepare_run soak
stop_stack_on_exit

start_stack "$SOAK_CARDS" $((DB_POOL_SIZE + 1))
write_cards_file "$WORK/cards"

# wrk runs a little longer than the sampling, so the last sample is taken under load.
log "soak: wrk at $SOAK_CONNECTIONS connections for $SOAK_MINUTES min, sampling every minute"
run_wrk "$SOAK_CONNECTIONS" $((SOAK_MINUTES * 60 + 10)) "$WORK/cards" >"$WORK/wrk.out" 2>&1 &
LOAD_PID=$!

sample() { # prints "rss_kib heap_used_kib"
  local rss heap
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVICE_PID/status")
  timeout 60 jcmd "$SERVICE_PID" GC.run >/dev/null
  # G1's line: " garbage-first heap   total 262144K, used 41234K [...]"
  heap=$(timeout 60 jcmd "$SERVICE_PID" GC.heap_info | sed -n 's/.*heap .*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1)
  [ -n "$rss" ] && [ -n "$heap" ] || die "could not read RSS or heap of the service (pid $SERVICE_PID)"
  echo "$rss $heap"
}

SAMPLES=()
RSS_VALUES=()
HEAP_VALUES=()
START=$SECONDS
for ((minute = 1; minute <= SOAK_MINUTES; minute++)); do
  while [ $((SECONDS - START)) -lt $((minute * 60)) ]; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$WORK/wrk.out" >&2; die "wrk stopped early"; }
    sleep 1
  done
  # A command substitution, so that a failed sample stops the soak (set -e).
  reading=$(sample)
  read -r rss heap <<<"$reading"
  SAMPLES+=("| $minute | $((rss / 1024)) | $((heap / 1024)) |")
  log "minute $minute: RSS $((rss / 1024)) MiB, heap after GC $((heap / 1024)) MiB"
  RSS_VALUES+=("$rss")
  HEAP_VALUES+=("$heap")
done
# A failed wrk (an answer neither 2xx nor 409) fails the soak too, after the memory figures are out.
WRK_FAILED=""
wait "$LOAD_PID" || { WRK_FAILED=1; grep '^move.lua:' "$WORK/wrk.out" >&2 || true; }
LOAD_PID=""
MOVES=$(grep '^moves:' "$WORK/wrk.out") || { cat "$WORK/wrk.out" >&2; die "wrk printed no 'moves:' line"; }

# One reading is noisy (a live set of a few tens of MiB moves by a quarter between GCs): a leak is
# the second half of the samples sitting above the first, so their medians are compared.
median_of() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
HALF=$((SOAK_MINUTES / 2))
FIRST_RSS=$(median_of "${RSS_VALUES[@]:0:HALF}")
LAST_RSS=$(median_of "${RSS_VALUES[@]:SOAK_MINUTES-HALF}")
FIRST_HEAP=$(median_of "${HEAP_VALUES[@]:0:HALF}")
LAST_HEAP=$(median_of "${HEAP_VALUES[@]:SOAK_MINUTES-HALF}")
growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 100 / a }'; }
RSS_GROWTH=$(growth "$FIRST_RSS" "$LAST_RSS")
HEAP_GROWTH=$(growth "$FIRST_HEAP" "$LAST_HEAP")
VERDICT=PASS
awk -v r="$RSS_GROWTH" -v h="$HEAP_GROWTH" 'BEGIN { exit !(r > 10 || h > 10) }' && VERDICT=FAIL

{
  echo "# Memory soak $STAMP"
  echo
  echo "Command: \`SOAK_MINUTES=$SOAK_MINUTES SOAK_CONNECTIONS=$SOAK_CONNECTIONS DB_POOL_SIZE=$DB_POOL_SIZE${BENCH_PRIVATE_PG:+ BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG} BENCH_JAR=$JAR bench/soak.sh\`"
  echo "on $(machine_line), JVM flags: '${BENCH_JAVA_OPTS:-}' (defaults otherwise), $SOAK_CARDS cards."
  echo "Load at the end: \`$(uptime)\`"
  echo
  echo "wrk: \`$MOVES\`"
  echo
  echo "| minute | RSS MiB | heap after GC MiB |"
  echo "|---:|---:|---:|"
  printf '%s\n' "${SAMPLES[@]}"
  echo
  echo "Median of the first $HALF minutes → of the last $HALF: RSS $((FIRST_RSS / 1024)) → $((LAST_RSS / 1024)) MiB ($RSS_GROWTH %), heap after GC $((FIRST_HEAP / 1024)) → $((LAST_HEAP / 1024)) MiB ($HEAP_GROWTH %): **$VERDICT** (limit 10 %)"
  [ -z "$WRK_FAILED" ] || echo "**FAIL**: wrk saw answers that were neither 2xx nor 409 (other= above)."
} | tee "$REPORT"
[ "$VERDICT" = PASS ] && [ -z "$WRK_FAILED" ] || exit 1
