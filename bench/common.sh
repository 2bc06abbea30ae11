# Shared by bench.sh, soak.sh and shop-latency.sh (sourced, not run): tool checks, the throwaway database, the
# service, the bench cards. Every wait is bounded; cleanup stops only what these functions started.

die() { echo "$(basename "$0"): $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed (Debian: apt-get install -y wrk postgresql-client curl jq openjdk-17-jdk-headless)"
  done
}

# BENCH_JAR: another build of the service (e.g. to compare two builds), default the README's.
JAR="${BENCH_JAR:-target/move-api.jar}"
require_jar() {
  [ -f "$JAR" ] || die "$JAR is missing; this script builds nothing: run 'mvn -q -DskipTests package' first"
}

positive_int() { # NAME VALUE
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# Sets DATABASE_URL: the caller's, or a fresh database on the local server (dropped on exit); a
# SUFFIX tells apart the databases of one run (bench.sh gives each build its own).
CREATED_DBS=()
ADMIN_URL="${BENCH_ADMIN_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}"
use_database() { # [SUFFIX]
  if [ -n "${DATABASE_URL:-}" ]; then
    log "database: DATABASE_URL as given"
    return
  fi
  local created="moveapi_bench_run_$(date -u +%Y%m%d%H%M%S)_$$${1:+_$1}"
  psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE $created" \
    || die "cannot create a database through $ADMIN_URL (set BENCH_ADMIN_URL or DATABASE_URL)"
  CREATED_DBS+=("$created")
  DATABASE_URL="${ADMIN_URL%/*}/$created"
  log "database: fresh $created (dropped on exit)"
}

drop_database() {
  local created
  for created in "${CREATED_DBS[@]}"; do
    psql "$ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $created WITH (FORCE)" >/dev/null || echo "could not drop $created" >&2
  done
  CREATED_DBS=()
}

# Fails unless the server has room for NEEDED more connections (pgbench opens one per client).
require_free_connections() { # NEEDED
  local free
  free=$(psql "$DATABASE_URL" -qAtc "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity")
  [ "$free" -ge "$1" ] || die "the database server has $free free connections, the run needs $1 (pgbench clients + DB_POOL_SIZE + the stream listener); lower BENCH_CONNECTIONS or raise max_connections"
}

# shellcheck source=../.ci/lib/service.sh
source .ci/lib/service.sh
SERVICE_PID=""
# Starts the jar (AUTH_MODE=none) on PORT with DB_POOL_SIZE; its output goes to SERVICE_LOG.
start_service() {
  log "service: java ${BENCH_JAVA_OPTS:-} -jar $JAR on 127.0.0.1:$PORT, DB_POOL_SIZE=$DB_POOL_SIZE"
  # BOARD_MAX_CARDS: the bench reads its cards back through the board, however many there are.
  # METRICS_PORT=0: several builds or instances run side by side.
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM flags
  service_start env DATABASE_URL="$DATABASE_URL" AUTH_MODE=none HOST=127.0.0.1 PORT="$PORT" METRICS_PORT=0 \
    DB_POOL_SIZE="$DB_POOL_SIZE" BOARD_MAX_CARDS=20000 java ${BENCH_JAVA_OPTS:-} -jar "$JAR" >"$SERVICE_LOG" 2>&1
  service_await_ready "http://127.0.0.1:$PORT" 120 || { tail -5 "$SERVICE_LOG" >&2; die "see the service's log, $SERVICE_LOG"; }
}

stop_service() {
  service_stop 20
  SERVICE_PID=""
}

# Creates COUNT cards on BENCH_DATE through the API and moves each scheduled -> in_progress, so
# bench cards only ever sit in in_progress (even version) or ready (odd version).
seed_cards() { # COUNT WORKDIR
  local count=$1 dir=$2 i base="http://127.0.0.1:$PORT/api/admin/appointments"
  log "seeding $count cards on $BENCH_DATE through POST /api/admin/appointments"
  # One curl, one kept-alive connection; "next" separates the requests of a config file.
  for ((i = 0; i < count; i++)); do
    [ "$i" -eq 0 ] || echo next
    printf 'url = "%s"\nheader = "Content-Type: application/json"\ndata = "{\\"appt_start\\":\\"%sT09:00:00Z\\",\\"appt_end\\":\\"%sT10:00:00Z\\",\\"customer\\":{\\"name\\":\\"Bench %d\\"},\\"vehicle\\":{\\"make\\":\\"Bench\\",\\"model\\":\\"Car\\",\\"year\\":2020}}"\nwrite-out = "\\n"\n' \
      "$base" "$BENCH_DATE" "$BENCH_DATE" "$i"
  done >"$dir/create.curl"
  curl -sS --max-time 300 -K "$dir/create.curl" >"$dir/created.json"
  jq -r 'if .ok then .data.id else error("create failed: \(.)") end' "$dir/created.json" >"$dir/ids" \
    || die "seeding failed: see $dir/created.json"
  [ "$(wc -l <"$dir/ids")" -eq "$count" ] || die "seeding created $(wc -l <"$dir/ids") cards, wanted $count"
  local separator=""
  while read -r id; do
    printf '%s' "$separator"
    separator=$'next\n'
    printf 'url = "%s/%s/move"\nheader = "Content-Type: application/json"\ndata = "{\\"new_status\\":\\"in_progress\\",\\"expected_version\\":1}"\nwrite-out = "\\n"\n' "$base" "$id"
  done <"$dir/ids" >"$dir/start.curl"
  curl -sS --max-time 300 -K "$dir/start.curl" >"$dir/started.json"
  [ "$(jq -r 'select(.ok and .data.status == "in_progress") | 1' "$dir/started.json" | wc -l)" -eq "$count" ] \
    || die "the first move of the seeded cards failed: see $dir/started.json"
  # pgbench gives client N the card FIRST_CARD + N, so the ids must be consecutive.
  FIRST_CARD=$(sort -n "$dir/ids" | head -1)
  [ "$(sort -n "$dir/ids" | tail -1)" -eq $((FIRST_CARD + count - 1)) ] \
    || die "seeded ids are not consecutive (another writer on this database?); use a fresh database"
}

# Writes "id version status" of every card on BENCH_DATE, read through the board API.
write_cards_file() { # FILE
  curl -fsS --max-time 30 "http://127.0.0.1:$PORT/api/admin/appointments/board?date=$BENCH_DATE" \
    | jq -r '.data.columns[].items[] | "\(.id) \(.version) \(.status)"' >"$1"
}

# Runs wrk with move.lua; prints its "moves:" line and fails when move.lua failed.
run_wrk() { # CONNECTIONS SECONDS CARDS_FILE
  local out
  out=$(wrk -t2 -c"$1" -d"$2"s --timeout 10s --latency -s bench/move.lua "http://127.0.0.1:$PORT" -- "$3" 2) \
    || { echo "$out" >&2; die "wrk failed at $1 connections"; }
  grep '^moves:' <<<"$out" || { echo "$out" >&2; die "wrk printed no 'moves:' line"; }
}

field() { # NAME LINE: the value of NAME=value in LINE
  sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"
}

# Reads milliseconds, one per line; prints "count p50 p95 p99 max" by nearest rank with DECIMALS decimals.
percentiles() { # DECIMALS
  sort -n | awk -v d="$1" '{ v[NR] = $1 }
    END { f = "%." d "f"; printf "%d " f " " f " " f " " f "\n", NR, v[int(NR * 0.50) + 1], v[int(NR * 0.95) + 1], v[int(NR * 0.99) + 1], v[NR] }'
}

# The machine and the code a report was measured on.
machine_line() {
  echo "$(hostname) ($(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)), git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+dirty')"
}

# BENCH_PRIVATE_PG=1: a throwaway PostgreSQL cluster on BENCH_PG_PORT with room for 256 pgbench
# clients (a stock server allows 100 connections in all); removed on exit. BENCH_PRIVATE_PG=tmpfs
# keeps that cluster in /dev/shm, so no commit waits for the disk: it separates what the disk's
# flushes cost from what the service costs (never a production setting).
PRIVATE_PG_DIR=""
start_private_postgres() {
  local bindir run_as=() parent=/tmp
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bindir/initdb" ] || die "BENCH_PRIVATE_PG needs Debian's postgresql server (apt-get install -y postgresql)"
  [ "$BENCH_PRIVATE_PG" = tmpfs ] && parent=/dev/shm
  PRIVATE_PG_DIR=$(mktemp -d "$parent/bench-pg.XXXXXX")
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PRIVATE_PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bindir/initdb" -D "$PRIVATE_PG_DIR/data" -A trust -U postgres >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data" -l "$PRIVATE_PG_DIR/log" -w -t 30 \
    -o "-p $BENCH_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PRIVATE_PG_DIR -c max_connections=400" start >/dev/null \
    || die "the private PostgreSQL did not start (log: $PRIVATE_PG_DIR/log)"
  PRIVATE_PG_CTL=("${run_as[@]}" "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data")
  ADMIN_URL="postgresql://postgres@127.0.0.1:$BENCH_PG_PORT/postgres"
  log "private PostgreSQL on 127.0.0.1:$BENCH_PG_PORT ($PRIVATE_PG_DIR, max_connections=400)"
}

# Where the run's data lives, for reports.
database_place() {
  case "${BENCH_PRIVATE_PG:-}" in
    tmpfs) echo "a private cluster in /dev/shm (tmpfs: commits never wait for the disk)" ;;
    1) echo "a private cluster in /tmp (on the disk)" ;;
    *) echo "the server behind ${DATABASE_URL%%@*}@… (its own storage)" ;;
  esac
}

stop_private_postgres() {
  [ -n "$PRIVATE_PG_DIR" ] || return 0
  "${PRIVATE_PG_CTL[@]}" -m fast -w -t 30 stop >/dev/null || echo "could not stop the private PostgreSQL in $PRIVATE_PG_DIR" >&2
  rm -rf "$PRIVATE_PG_DIR"
  PRIVATE_PG_DIR=""
}

# The scripts take no arguments, only -h/--help; the caller defines usage().
no_arguments() {
  [ $# -eq 0 ] && return
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "takes no arguments, got '$1'" ;;
  esac
}

# The settings the scripts share, with their defaults, validated.
shared_settings() {
  case "${BENCH_PRIVATE_PG:-}" in
    "" | 1 | tmpfs) ;;
    *) die "BENCH_PRIVATE_PG must be 1, tmpfs or unset, got '$BENCH_PRIVATE_PG'" ;;
  esac
  PORT="${PORT:-18083}"
  DB_POOL_SIZE="${DB_POOL_SIZE:-16}"
  BENCH_DATE="${BENCH_DATE:-2031-02-01}"
  BENCH_PG_PORT="${BENCH_PG_PORT:-18093}"
  local name
  for name in PORT DB_POOL_SIZE BENCH_PG_PORT; do positive_int "$name" "${!name}"; done
}

# The run's files: REPORT and SERVICE_LOG under load_test_results/, scratch space in WORK.
prepare_run() { # NAME
  STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p load_test_results
  REPORT="load_test_results/$1_$STAMP.md"
  SERVICE_LOG="load_test_results/$1_${STAMP}_service.log"
  WORK=$(mktemp -d "/tmp/move-$1.XXXXXX")
}

# Database (a private server when BENCH_PRIVATE_PG=1), then the service, then the cards.
start_stack() { # CARDS CONNECTIONS_NEEDED
  if [ -n "${BENCH_PRIVATE_PG:-}" ]; then start_private_postgres; fi
  use_database
  require_free_connections "$2"
  start_service
  seed_cards "$1" "$WORK"
}

# LOAD_PID: a load generator running in the background, killed first on exit, with its children
# (locust/run.sh would otherwise wait for its Locust before acting on the signal).
LOAD_PID=""
stop_stack() {
  if [ -n "$LOAD_PID" ]; then
    pkill -TERM -P "$LOAD_PID" 2>/dev/null || true
    kill "$LOAD_PID" 2>/dev/null || true
    LOAD_PID=""
  fi
  stop_service
  drop_database
  stop_private_postgres
  rm -rf "$WORK"
}

# The builds a script compares: BENCH_JAR ("after") alone, or BENCH_BEFORE_JAR ("before") and
# BENCH_JAR, each with its own service (PORT, PORT + 1), database and cards. select_build makes one
# of them the current one for the functions above (JAR, PORT, DATABASE_URL, SERVICE_PID, FIRST_CARD).
BUILD_NAMES=() BUILD_JARS=() BUILD_PORTS=() BUILD_URLS=() BUILD_PIDS=() BUILD_LOGS=() BUILD_FIRST_CARDS=()
start_builds() { # CARDS CONNECTIONS_NEEDED_BESIDES_THE_SERVICES
  [ -z "${DATABASE_URL:-}" ] || die "each build gets a fresh database; unset DATABASE_URL (BENCH_ADMIN_URL picks the server)"
  BUILD_NAMES=(after) BUILD_JARS=("$JAR")
  if [ -n "${BENCH_BEFORE_JAR:-}" ]; then
    BUILD_NAMES=(before after) BUILD_JARS=("$BENCH_BEFORE_JAR" "$JAR")
  fi
  local i jar first_port=$PORT
  for jar in "${BUILD_JARS[@]}"; do
    [ -f "$jar" ] || die "$jar is missing; this script builds nothing: run 'mvn -q -DskipTests package' first"
  done
  if [ -n "${BENCH_PRIVATE_PG:-}" ]; then start_private_postgres; fi
  for i in "${!BUILD_NAMES[@]}"; do
    DATABASE_URL=""
    use_database "${BUILD_NAMES[$i]}"
    [ "$i" -gt 0 ] || require_free_connections $(($2 + ${#BUILD_NAMES[@]} * (DB_POOL_SIZE + 1)))
    JAR=${BUILD_JARS[$i]} PORT=$((first_port + i)) SERVICE_LOG="${REPORT%.md}_${BUILD_NAMES[$i]}_service.log"
    BUILD_PORTS[$i]=$PORT BUILD_URLS[$i]=$DATABASE_URL BUILD_LOGS[$i]=$SERVICE_LOG
    start_service
    BUILD_PIDS[$i]=$SERVICE_PID
    mkdir -p "$WORK/${BUILD_NAMES[$i]}"
    seed_cards "$1" "$WORK/${BUILD_NAMES[$i]}"
    BUILD_FIRST_CARDS[$i]=$FIRST_CARD
  done
}

select_build() { # INDEX
  JAR=${BUILD_JARS[$1]} PORT=${BUILD_PORTS[$1]} DATABASE_URL=${BUILD_URLS[$1]} SERVICE_PID=${BUILD_PIDS[$1]}
  SERVICE_LOG=${BUILD_LOGS[$1]} FIRST_CARD=${BUILD_FIRST_CARDS[$1]}
}

stop_builds() {
  local i
  for i in "${!BUILD_PIDS[@]}"; do
    SERVICE_PID=${BUILD_PIDS[$i]}
    stop_service
  done
  stop_stack
}

# Every script stops what it started however it ends; Ctrl-C exits 130.
stop_stack_on_exit() {
  trap stop_stack EXIT
  trap 'exit 130' INT TERM
}
