# Shared functions of deploy/release.sh and deploy/rollback.sh; sourced, never run.
# Needs: aws (CLI v1 or v2), jq, curl. Every aws call goes to AWS_ENDPOINT_URL when it is set
# (the CLI reads that variable itself), which is how the tests point it at moto.

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$DEPLOY_DIR/.." && pwd)
RELEASES_DIR=${RELEASES_DIR:-$REPO_DIR/releases}
ROLLBACK_FILE=$RELEASES_DIR/rollback.json
HISTORY_FILE=$RELEASES_DIR/history.jsonl
# Bound of one "wait until the service is stable" (seconds); the aws waiter alone would stop after 10 min.
WAIT_TIMEOUT=${WAIT_TIMEOUT:-600}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
die() { echo "error: $1" >&2; exit "${2:-1}"; }

require_tools() {
  local tool
  for tool in aws jq curl; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed (needs: aws, jq, curl)" 2
  done
}

# Fails with exit 2 naming every variable that is unset or empty.
require_env() {
  local name missing=()
  for name in "$@"; do
    [ -n "${!name:-}" ] || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing environment variable(s): ${missing[*]} (see docs/operations.md, 'Release and rollback')" 2
}

# Strict positive integer check for the numeric settings.
require_seconds() {
  [[ ${!1} =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive number of seconds, got '${!1}'" 2
}

# ARN of the task definition the service runs now.
current_task_definition() {
  local out
  out=$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --output json) \
    || die "cannot describe service '$SERVICE' in cluster '$CLUSTER'"
  jq -er '.services[0] | select(.status == "ACTIVE") | .taskDefinition' <<<"$out" \
    || die "service '$SERVICE' not found (or not ACTIVE) in cluster '$CLUSTER'"
}

# The task definition with its tags folded in, so a copy of it keeps them.
describe_task_definition() {
  aws ecs describe-task-definition --task-definition "$1" --include TAGS --output json \
    | jq '.taskDefinition + {tags: (.tags // [])}' || die "cannot describe task definition $1"
}

# Name of the app container: APP_CONTAINER, or the only container of the task definition.
app_container_name() {
  local task_definition=$1
  if [ -n "${APP_CONTAINER:-}" ]; then
    jq -e --arg n "$APP_CONTAINER" '.containerDefinitions[] | select(.name == $n)' <<<"$task_definition" >/dev/null \
      || die "task definition has no container named '$APP_CONTAINER' (APP_CONTAINER)" 2
    echo "$APP_CONTAINER"
  else
    jq -er 'if (.containerDefinitions | length) == 1 then .containerDefinitions[0].name else empty end' <<<"$task_definition" \
      || die "the task definition has several containers; set APP_CONTAINER to the app's" 2
  fi
}

# What an operator needs to see between two task definitions: image, APP_VERSION, cpu, memory, env.
summarize_task_definition() {
  jq -r --arg c "$2" '
    (.containerDefinitions[] | select(.name == $c)) as $app
    | "  \(.taskDefinitionArn // "(new revision)")",
      "    image:  \($app.image)",
      "    cpu:    \(.cpu // "-")   memory: \(.memory // "-")",
      "    env:    \([$app.environment[]? | "\(.name)=\(.value)"] | sort | join(" "))"' <<<"$1"
}

# Points the service at a task definition ARN and waits until ECS reports it stable on it.
switch_service() {
  local target=$1
  log "update-service $SERVICE -> $target"
  aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$target" \
    --output json >/dev/null || { log "update-service failed"; return 1; }
  log "waiting for the service to be stable (at most ${WAIT_TIMEOUT}s)"
  if ! timeout "$WAIT_TIMEOUT" aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"; then
    log "the service did not become stable within ${WAIT_TIMEOUT}s"
    return 1
  fi
  local now
  now=$(current_task_definition)
  [ "$now" = "$target" ] || { log "service runs $now, expected $target"; return 1; }
  log "service stable on $target"
}

run_smoke() {
  log "smoke test against $SERVICE_URL"
  "$DEPLOY_DIR/smoke.sh"
}

# Appends one event to the append-only history (one JSON object per line).
record_event() {
  local event=$1 result=$2 from=$3 to=$4 tag=${5:-}
  mkdir -p "$RELEASES_DIR"
  jq -cn --arg event "$event" --arg result "$result" --arg from "$from" --arg to "$to" --arg tag "$tag" \
    --arg cluster "$CLUSTER" --arg service "$SERVICE" --arg who "$(operator_name)" \
    --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{event: $event, result: $result, tag: (if $tag == "" then null else $tag end), from_task_definition: $from,
      to_task_definition: $to, cluster: $cluster, service: $service, who: $who, when: $when}' \
    >>"$HISTORY_FILE"
}

operator_name() {
  echo "${RELEASE_OPERATOR:-$(id -un)@$(hostname)}"
}
