#!/usr/bin/env bash
# Event delivery under load: three instances of the jar on one (private) PostgreSQL, moves through
# all of them, one board-stream subscriber per instance, checked afterwards against the event log
# (bench/EventDelivery.java). The "chaos" phase also kills one instance's event-reader
# connection every EVENTS_KILL_EVERY seconds and restarts PostgreSQL once, halfway, the way a crash
# or a failover does (immediate shutdown: a fast one waits up to authentication_timeout for the
# half-open connections of every reconnecting client).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

usage() {
  cat <<'USAGE'
Usage: bench/events.sh   (no arguments; settings through the environment)

Needs the jar (build first: mvn -q -DskipTests package), Debian's postgresql (a private cluster is
always started: the chaos phase restarts it), psql, curl, jq.
Starts EVENTS_INSTANCES instances on PORT, PORT + 1, …; for each phase seeds EVENTS_CARDS cards on
a date of its own, opens one stream per instance and runs EventDelivery.java for EVENTS_SECONDS with
EVENTS_CONNECTIONS moving clients. Exits 1 when a subscriber missed, repeated or reordered a
committed move without a resync, or heard of one that never committed. Written to
load_test_results/events_<UTC ts>.md.

  EVENTS_PHASES         "clean chaos" (default), or one of them
  EVENTS_SECONDS        seconds of moves per phase (default 60)
  EVENTS_CONNECTIONS    moving clients, spread over the instances (default 64)
  EVENTS_CARDS          cards per phase (default 8 x EVENTS_CONNECTIONS)
  EVENTS_INSTANCES      instances of the jar (default 3)
  EVENTS_KILL_EVERY     chaos: seconds between kills of the first instance's reader connection (default 5)
  BENCH_PRIVATE_PG      1 (default: on the disk) or tmpfs
  BENCH_JAR, PORT, DB_POOL_SIZE, BENCH_PG_PORT, BENCH_JAVA_OPTS, BENCH_DATE (the first phase's date)
USAGE
}
no_arguments "$@"

BENCH_PRIVATE_PG="${BENCH_PRIVATE_PG:-1}"
[ -z "${DATABASE_URL:-}" ] || die "events.sh restarts PostgreSQL, so it always uses a private cluster; unset DATABASE_URL"
require_jar
require_tools java psql curl jq
shared_settings
EVENTS_PHASES="${EVENTS_PHASES:-clean chaos}"
EVENTS_SECONDS="${EVENTS_SECONDS:-60}"
EVENTS_CONNECTIONS="${EVENTS_CONNECTIONS:-64}"
EVENTS_CARDS="${EVENTS_CARDS:-$((8 * EVENTS_CONNECTIONS))}"
EVENTS_INSTANCES="${EVENTS_INSTANCES:-3}"
EVENTS_KILL_EVERY="${EVENTS_KILL_EVERY:-5}"
for name in EVENTS_SECONDS EVENTS_CONNECTIONS EVENTS_CARDS EVENTS_INSTANCES EVENTS_KILL_EVERY; do positive_int "$name" "${!name}"; done
for phase in $EVENTS_PHASES; do
  case "$phase" in clean | chaos) ;; *) die "EVENTS_PHASES may name clean and chaos, got '$phase'" ;; esac
done

prepare_run events
INSTANCE_PIDS=()
stop_instances() {
  local pid
  for pid in "${INSTANCE_PIDS[@]}"; do
    SERVICE_PID=$pid
    stop_service
  done
  stop_stack
}
trap stop_instances EXIT
trap 'exit 130' INT TERM

start_private_postgres
use_database
require_free_connections $((EVENTS_INSTANCES * (DB_POOL_SIZE + 1) + 2))
FIRST_PORT=$PORT
PORTS=()
for ((i = 0; i < EVENTS_INSTANCES; i++)); do
  PORT=$((FIRST_PORT + i))
  SERVICE_LOG="${REPORT%.md}_instance$i.log"
  start_service
  INSTANCE_PIDS+=("$SERVICE_PID")
  PORTS+=("$PORT")
done
PORT=$FIRST_PORT
JDBC_URL="jdbc:postgresql://127.0.0.1:$BENCH_PG_PORT/${DATABASE_URL##*/}?user=postgres"

kill_reader() { # the first instance's event-reader backend
  psql "$DATABASE_URL" -qAtc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'move-api-events:$FIRST_PORT'"
}

LOAD_BEFORE=$(uptime)
RESULTS=()
STATUS=0
for phase in $EVENTS_PHASES; do
  seed_cards "$EVENTS_CARDS" "$WORK"
  log "$phase: $EVENTS_SECONDS s of moves on $BENCH_DATE through ${PORTS[*]}, one subscriber per instance"
  java -cp "$JAR" bench/EventDelivery.java "$(IFS=,; echo "${PORTS[*]}")" "$BENCH_DATE" "$EVENTS_SECONDS" "$EVENTS_CONNECTIONS" "$JDBC_URL" \
    >"$WORK/$phase.out" 2>&1 &
  DRIVER=$!
  CHAOS=""
  if [ "$phase" = chaos ]; then
    started=$SECONDS restarted=""
    while kill -0 "$DRIVER" 2>/dev/null && [ $((SECONDS - started)) -lt "$EVENTS_SECONDS" ]; do
      sleep "$EVENTS_KILL_EVERY"
      if [ -z "$restarted" ] && [ $((SECONDS - started)) -ge $((EVENTS_SECONDS / 2)) ]; then
        log "chaos: restarting PostgreSQL"
        "${PRIVATE_PG_CTL[@]}" -m immediate -w -t 60 restart >/dev/null
        restarted=$((SECONDS - started))
        CHAOS="$CHAOS PostgreSQL restarted at ${restarted}s;"
      else
        CHAOS="$CHAOS reader killed at $((SECONDS - started))s ($(kill_reader 2>/dev/null || echo 0));"
      fi
    done
  fi
  if wait "$DRIVER"; then verdict=passed; else verdict=FAILED; STATUS=1; fi
  log "$phase: $verdict"
  cat "$WORK/$phase.out" >&2
  RESULTS+=("## $phase: $verdict" "" "${CHAOS:+Chaos:$CHAOS}" "" '```' "$(cat "$WORK/$phase.out")" '```' "")
  BENCH_DATE=$(date -d "$BENCH_DATE + 1 day" +%F)
done
LOAD_AFTER=$(uptime)

{
  echo "# Event delivery $STAMP"
  echo
  echo "Command: \`EVENTS_PHASES=\"$EVENTS_PHASES\" EVENTS_SECONDS=$EVENTS_SECONDS EVENTS_CONNECTIONS=$EVENTS_CONNECTIONS EVENTS_CARDS=$EVENTS_CARDS EVENTS_INSTANCES=$EVENTS_INSTANCES EVENTS_KILL_EVERY=$EVENTS_KILL_EVERY BENCH_PRIVATE_PG=$BENCH_PRIVATE_PG BENCH_JAR=$JAR bench/events.sh\`"
  echo "on $(machine_line), $(database_place), PostgreSQL $(psql "$DATABASE_URL" -qAtc 'SHOW server_version'); DB_POOL_SIZE=$DB_POOL_SIZE per instance."
  echo
  echo "Load before: \`$LOAD_BEFORE\`  "
  echo "Load after: \`$LOAD_AFTER\`"
  echo
  printf '%s\n' "${RESULTS[@]}"
} | tee "$REPORT"
log "written to $REPORT (instance logs: ${REPORT%.md}_instance*.log)"
exit "$STATUS"
