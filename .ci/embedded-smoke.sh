#!/usr/bin/env bash
# The README's run command on the embedded PostgreSQL: as a normal user it starts, migrates, seeds
# today's demo cards and serves the board API; as root it refuses with a clear sentence.
set -euo pipefail
jar=$(readlink -f "$1")
user=moveapi-ci
port=${EMBEDDED_SMOKE_PORT:-18089}

out=$(env -u DATABASE_URL -u PGHOST java -jar "$jar" 2>&1 || true)
if [ "$(id -u)" = 0 ]; then
  echo "$out" | grep -q "cannot run as root" || { echo "FAIL: no clear message as root:"; echo "$out"; exit 1; }
  echo "ok: as root the embedded default refuses clearly"
fi

id "$user" >/dev/null 2>&1 || useradd -m "$user"
work=$(su "$user" -c 'mktemp -d')
cp "$jar" "$work/move-api.jar" && chown "$user" "$work/move-api.jar"
source "$(dirname "$0")/lib/service.sh"
trap service_stop EXIT
# setpriv execs the JVM as the user (no shell in between), so SERVICE_PID is the service's own.
service_start setpriv --reuid="$user" --regid="$user" --init-groups -- \
  env -C "$work" HOME="$(getent passwd "$user" | cut -d: -f6)" PORT=$port EMBEDDED_DATA_DIR="$work/pgdata" \
  java -jar move-api.jar >"$work/service.log" 2>&1
service_await_ready "http://127.0.0.1:$port" 120 || { echo "FAIL: not ready; its log:"; cat "$work/service.log"; exit 1; }
board=$(curl -fsS "http://127.0.0.1:$port/api/admin/appointments/board")
jobs=$(echo "$board" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["stats"]["jobsToday"])')
if [ "$jobs" -lt 1 ]; then
  echo "FAIL: no demo cards today"; cat "$work/service.log"; exit 1
fi
curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"status":"ok"' || { echo "FAIL: /healthz"; exit 1; }
card=$(echo "$board" | python3 -c 'import json,sys; c=json.load(sys.stdin)["data"]["columns"]["scheduled"]["items"][0]; print(c["id"], c["version"])')
read -r id version <<<"$card"
moved=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d "{\"new_status\":\"in_progress\",\"expected_version\":$version}" "http://127.0.0.1:$port/api/admin/appointments/$id/move")
[ "$moved" = 200 ] || { echo "FAIL: move of card $id answered $moved"; exit 1; }
echo "ok: /healthz and a move of card $id (version $version) answered 200"
grep -q "board at http://127.0.0.1:$port/" "$work/service.log" || { echo "FAIL: board URL not printed"; cat "$work/service.log"; exit 1; }
echo "ok: embedded default as '$user' served $jobs demo cards for today"
