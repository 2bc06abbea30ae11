#!/usr/bin/env bash
# Runs one load scenario with Locust against the built service (docs/load-testing.md, "Running the
# scenarios here (Locust)"): installs the pinned Locust into locust/.venv if needed, starts
# target/move-api.jar (embedded PostgreSQL, or DATABASE_URL) unless BASE_URL is set, waits for
# /readyz, runs Locust headless and stops the service. Exit status: 0 all thresholds passed,
# 1 a threshold breached, 2 bad usage or setup, 3 the service did not become ready, 130 Ctrl-C.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: locust/run.sh move|mix|contention|smoke|rate [locust options...]
  env: BASE_URL (target a running service instead of starting one), DATABASE_URL, PORT (8080),
       AUTH_MODE (none with DATABASE_URL), TOKEN, ADMIN_TOKEN, PROFILE (shop|local), DATE (2031-01-15),
       VUS, DURATION, RATE (rate: iterations/s, 20), CARDS, SPAWN_RATE (= VUS), READY_TIMEOUT (120 s),
       STOP_TIMEOUT (10 s)
USAGE
  exit 2
}
[ $# -ge 1 ] || usage
case "$1" in move|mix|contention|smoke|rate) scenario=$1; shift ;; *) echo "unknown scenario '$1'" >&2; usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/locust"
results="$root/load_test_results"
jar="$root/target/move-api.jar"

venv=$(bash "$here/venv.sh")

# Users, seconds and cards as the locustfile resolves them (exit 2 naming a bad variable).
read -r users seconds cards < <("$venv/bin/python" "$here/settings.py" "$scenario") \
  || exit 2
spawn_rate=${SPAWN_RATE:-$users}
ready_timeout=${READY_TIMEOUT:-120}
[[ $ready_timeout =~ ^[0-9]+$ && $ready_timeout -ge 1 ]] || { echo "READY_TIMEOUT must be whole seconds ≥ 1, got '$ready_timeout'" >&2; exit 2; }

mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
prefix="$results/locust_${scenario}_$stamp"
# Claim the prefix (noclobber creates the file or fails, atomically): a run started in the same
# second gets -2, -3, … instead of overwriting this one's reports.
for ((n = 2; ; n++)); do
  (set -o noclobber; : >"$prefix.summary.json") 2>/dev/null && break
  prefix="$results/locust_${scenario}_$stamp-$n"
done
# shellcheck source=../.ci/lib/service.sh
source "$root/.ci/lib/service.sh"
trap service_stop EXIT
trap 'exit 130' INT TERM

if [ -n "${BASE_URL:-}" ]; then
  echo "== using the running service at $BASE_URL"
else
  [ -f "$jar" ] || { echo "no $jar: build it first with: mvn -q -DskipTests package" >&2; exit 2; }
  port=${PORT:-8080}
  if [ -z "${DATABASE_URL:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "the embedded PostgreSQL cannot run as root: run as a normal user, or set DATABASE_URL (e.g. postgresql://postgres:postgres@127.0.0.1:5432/DB)" >&2
      exit 2
    fi
    echo "== starting $jar on port $port with the embedded PostgreSQL"
  else
    export AUTH_MODE=${AUTH_MODE:-none}
    echo "== starting $jar on port $port with DATABASE_URL (AUTH_MODE=$AUTH_MODE)"
  fi
  BASE_URL="http://127.0.0.1:$port"
  service_start env PORT="$port" java -jar "$jar" >"$prefix.service.log" 2>&1
  service_await_ready "$BASE_URL" "$ready_timeout" || {
    echo "(READY_TIMEOUT=$ready_timeout) the service's log, $prefix.service.log, ends with:" >&2
    tail -20 "$prefix.service.log" >&2
    exit 3
  }
fi
export BASE_URL

echo "== locust $scenario: $users users, $seconds s, $cards cards on ${DATE:-2031-01-15} at $BASE_URL"
# The locustfile ends the run DURATION s after seeding (as k6 leaves setup out of the duration);
# -t only caps the whole run, seeding included.
SEED_ALLOWANCE=300
status=0
SCENARIO=$scenario LOCUST_SUMMARY_JSON="$prefix.summary.json" "$venv/bin/locust" \
  -f "$here/locustfile.py" --headless --only-summary \
  -u "$users" -r "$spawn_rate" -t "$((seconds + SEED_ALLOWANCE))s" --stop-timeout "${STOP_TIMEOUT:-10}" \
  --host "$BASE_URL" --html "$prefix.html" --csv "$prefix" "$@" || status=$?

echo "== reports: $prefix.html, ${prefix}_stats.csv (and _failures, _exceptions, _stats_history), $prefix.summary.json"
[ -n "$SERVICE_PID" ] && echo "== service log: $prefix.service.log"
exit "$status"
