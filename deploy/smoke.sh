#!/usr/bin/env bash
# Non-destructive smoke test of a running Move API: healthz, readyz, the board of a dedicated
# far-future date, and one create + move + stale move (→ 409 version_conflict) on that date.
# It only ever adds one card per run on SMOKE_DATE, so real days' boards are never touched.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: SERVICE_URL=https://host [SMOKE_TOKEN=jwt] [SMOKE_DATE=2031-12-31] deploy/smoke.sh

  SERVICE_URL  base URL of the service (no trailing path), e.g. https://moveapi.example.com
  SMOKE_TOKEN  bearer JWT with role admin or advisor; leave unset only for AUTH_MODE=none
  SMOKE_DATE   the dedicated board date the smoke cards go on (default 2031-12-31)
Exit 0 when every check passed, 1 at the first failed check (named on stderr), 2 on bad usage.
EOF
}
case "${1:-}" in
  "") ;;
  -h|--help) usage; exit 0 ;;
  *) echo "error: smoke.sh takes no arguments, got '$1'" >&2; usage; exit 2 ;;
esac
[ -n "${SERVICE_URL:-}" ] || { echo "error: SERVICE_URL is not set" >&2; usage; exit 2; }
command -v jq >/dev/null && command -v curl >/dev/null || { echo "error: smoke.sh needs curl and jq" >&2; exit 2; }
SMOKE_DATE=${SMOKE_DATE:-2031-12-31}
[[ $SMOKE_DATE =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "error: SMOKE_DATE must be YYYY-MM-DD, got '$SMOKE_DATE'" >&2; exit 2; }
base=${SERVICE_URL%/}

body=$(mktemp)
trap 'rm -f "$body"' EXIT

fail() { echo "smoke FAILED: $*" >&2; exit 1; }

# call METHOD PATH [JSON]: sets $status and leaves the body in $body; bounded so it never hangs.
call() {
  local args=(-sS -o "$body" -w '%{http_code}' --connect-timeout 5 --max-time 15 -X "$1")
  [ -z "${SMOKE_TOKEN:-}" ] || args+=(-H "Authorization: Bearer $SMOKE_TOKEN")
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data "$3")
  status=$(curl "${args[@]}" "$base$2") || status="no answer (curl exit $?)"
}

# expect STATUS WHAT JQ-CONDITION: the answer must have that status and satisfy the condition.
expect() {
  [ "$status" = "$1" ] || fail "$2: expected HTTP $1, got $status: $(head -c 300 "$body")"
  jq -e "$3" "$body" >/dev/null 2>&1 || fail "$2: unexpected body: $(head -c 300 "$body")"
  echo "smoke ok: $2" >&2
}

call GET /healthz
expect 200 "GET /healthz" '.data.status == "ok"'
version=$(jq -r '.data.version' "$body")

call GET /readyz
expect 200 "GET /readyz" '.ok == true'

call GET "/api/admin/appointments/board?date=$SMOKE_DATE"
expect 200 "GET board of $SMOKE_DATE" \
  '.data.columns | [.scheduled, .in_progress, .ready, .completed, .no_show] | all(.items | type == "array")'

card=$(jq -cn --arg d "$SMOKE_DATE" --arg v "$version" '{
  appt_start: "\($d)T09:00:00Z", appt_end: "\($d)T10:00:00Z",
  customer: {name: "Release smoke test"}, vehicle: {make: "Smoke", model: "Test", year: 2031},
  notes: "created by deploy/smoke.sh against version \($v)"}')
call POST /api/admin/appointments "$card"
expect 201 "create a card on $SMOKE_DATE" '.data.status == "scheduled" and .data.version == 1'
id=$(jq -r '.data.id' "$body")

call POST "/api/admin/appointments/$id/move" '{"new_status":"in_progress","expected_version":1}'
expect 200 "move card $id scheduled -> in_progress" '.data.status == "in_progress" and .data.version == 2'

call POST "/api/admin/appointments/$id/move" '{"new_status":"ready","expected_version":1}'
expect 409 "stale move of card $id -> 409 version_conflict" \
  '.error.code == "version_conflict" and .error.current_version == 2'

echo "smoke passed against $base (version $version, card $id on $SMOKE_DATE)" >&2
