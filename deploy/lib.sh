# Shared functions of deploy/release.sh and deploy/rollback.sh; sourced, never run.
# Both change the running image only through the CloudFormation stack (its ImageTag parameter), so
# the stack always describes what runs. Needs: aws (CLI v1 or v2), jq, curl. Every aws call goes to
# AWS_ENDPOINT_URL when it is set (the CLI reads that variable itself): that is how the test points
# them at moto.

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$DEPLOY_DIR/.." && pwd)
RELEASES_DIR=${RELEASES_DIR:-$REPO_DIR/releases}
ROLLBACK_FILE=$RELEASES_DIR/rollback.json
HISTORY_FILE=$RELEASES_DIR/history.jsonl
# Bound of one wait for the stack (seconds). CloudFormation waits for the ECS deployment itself,
# circuit breaker included, so a release takes as long as new tasks need to become healthy.
WAIT_TIMEOUT=${WAIT_TIMEOUT:-1800}
# Tags on the task definition revisions: the release history every operator shares, in ECS itself.
RELEASE_TAG=move-api:release
OUTCOME_TAG=move-api:outcome
# How many revisions back rollback.sh looks for an earlier good release.
HISTORY_DEPTH=20

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
  [ ${#missing[@]} -eq 0 ] || die "missing environment variable(s): ${missing[*]} (see docs/operations.md)" 2
}

# Strict positive integer check for the numeric settings.
require_seconds() {
  [[ ${!1} =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive number of seconds, got '${!1}'" 2
}

# The stack as describe-stacks returns it (one object).
describe_stack() {
  local out
  out=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" --output json) \
    || die "cannot describe stack '$STACK_NAME'" 2
  jq -e '.Stacks[0]' <<<"$out" || die "stack '$STACK_NAME' not found" 2
}

stack_parameter() { # STACK_JSON NAME
  jq -er --arg n "$2" '.Parameters[] | select(.ParameterKey == $n) | .ParameterValue' <<<"$1" \
    || die "stack '$STACK_NAME' has no parameter $2: is it the Move API stack (deploy/move-api.yaml)?" 2
}

# The lock: CloudFormation refuses a second update while one runs, and so do we, with the reason.
# A stack that is not in a settled state (a failed creation, a rollback that failed) is refused too.
require_settled_stack() { # STACK_JSON
  local status
  status=$(jq -r .StackStatus <<<"$1")
  case "$status" in
    *_IN_PROGRESS)
      die "stack '$STACK_NAME' is $status: a release, rollback or stack change is running; wait until it ends (aws cloudformation describe-stack-events --stack-name $STACK_NAME)" 2 ;;
    CREATE_COMPLETE | UPDATE_COMPLETE | UPDATE_ROLLBACK_COMPLETE | IMPORT_COMPLETE | IMPORT_ROLLBACK_COMPLETE) ;;
    *) die "stack '$STACK_NAME' is $status, which no update can start from; see docs/operations.md" 2 ;;
  esac
}

# ARN of the task definition revision the stack deploys now.
stack_task_definition() {
  aws cloudformation describe-stack-resource --stack-name "$STACK_NAME" --logical-resource-id TaskDefinition \
    --query StackResourceDetail.PhysicalResourceId --output text || die "cannot read the stack's TaskDefinition"
}

# Puts IMAGE_TAG into the stack, every other parameter and the template unchanged, and waits until
# CloudFormation has finished (ECS deployment included). 0 when the stack runs the tag; 1 with the
# reason on stderr otherwise (CloudFormation's own rollback, a timeout, a refused update).
update_image_tag() { # STACK_JSON IMAGE_TAG
  local parameters status reason
  parameters=$(jq -c --arg tag "$2" '[.Parameters[] | if .ParameterKey == "ImageTag"
    then {ParameterKey, ParameterValue: $tag} else {ParameterKey, UsePreviousValue: true} end]' <<<"$1")
  log "update-stack $STACK_NAME: ImageTag=$2, template and other parameters as they are"
  aws cloudformation update-stack --stack-name "$STACK_NAME" --use-previous-template \
    --capabilities CAPABILITY_IAM --parameters "$parameters" --output json >/dev/null \
    || { log "CloudFormation refused the update (another update started meanwhile?)"; return 1; }
  log "waiting for the stack (at most ${WAIT_TIMEOUT}s; ECS replaces the tasks meanwhile)"
  if ! timeout "$WAIT_TIMEOUT" aws cloudformation wait stack-update-complete --stack-name "$STACK_NAME" 2>/dev/null; then
    status=$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" --query 'Stacks[0].StackStatus' --output text)
    case "$status" in
      *_IN_PROGRESS)
        log "the stack is still $status after ${WAIT_TIMEOUT}s; CloudFormation goes on. Watch: aws cloudformation describe-stack-events --stack-name $STACK_NAME; give up and roll back: aws cloudformation cancel-update-stack --stack-name $STACK_NAME" ;;
      *)
        reason=$(aws cloudformation describe-stack-events --stack-name "$STACK_NAME" --output json \
          | jq -r '[.StackEvents[] | select(.ResourceStatus | test("FAILED$")) | "\(.LogicalResourceId): \(.ResourceStatusReason)"][0] // "no failed resource reported"')
        log "the stack ended $status (CloudFormation put the previous ImageTag back: the circuit breaker or a deployment alarm stopped the deployment). First failure: $reason" ;;
    esac
    return 1
  fi
  log "stack $STACK_NAME runs ImageTag $2"
}

run_smoke() {
  log "smoke test against $SERVICE_URL"
  "$DEPLOY_DIR/smoke.sh"
}

# Marks a task definition revision with the release it carries and how that release ended.
tag_revision() { # ARN IMAGE_TAG OUTCOME
  aws ecs tag-resource --resource-arn "$1" --tags "key=$RELEASE_TAG,value=$2" "key=$OUTCOME_TAG,value=$3" \
    || log "could not tag $1 ($RELEASE_TAG=$2, $OUTCOME_TAG=$3); rollback.sh will not see this release in ECS"
}

revision_tag() { # ARN KEY: the tag's value, empty when absent
  aws ecs list-tags-for-resource --resource-arn "$1" --output json | jq -r --arg k "$2" '.tags[]? | select(.key == $k) | .value'
}

# "ARN TAG" of the newest revision before CURRENT_ARN in its family that was released and carries
# another image tag than CURRENT_TAG; nothing when there is none within HISTORY_DEPTH revisions.
earlier_good_release() { # CURRENT_ARN CURRENT_TAG
  local family=${1##*/} current_revision arn tags
  current_revision=${family##*:}
  family=${family%:*}
  # CloudFormation deregisters the revisions it replaced, so the history is mostly INACTIVE.
  for arn in $( { aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --output json
                  aws ecs list-task-definitions --family-prefix "$family" --status INACTIVE --output json; } \
      | jq -r --argjson below "$current_revision" --argjson depth "$HISTORY_DEPTH" -s \
        '[.[].taskDefinitionArns[] | {arn: ., revision: (split(":") | last | tonumber)} | select(.revision < $below)]
         | sort_by(-.revision) | .[:$depth][] | .arn'); do
    tags=$(aws ecs list-tags-for-resource --resource-arn "$arn" --output json)
    if jq -e --arg r "$RELEASE_TAG" --arg o "$OUTCOME_TAG" --arg current "$2" \
        '[.tags[]? | {(.key): .value}] | add // {} | .[$o] == "released" and .[$r] != null and .[$r] != $current' <<<"$tags" >/dev/null; then
      echo "$arn $(jq -r --arg r "$RELEASE_TAG" '.tags[] | select(.key == $r) | .value' <<<"$tags")"
      return 0
    fi
  done
}

# releases/rollback.json: the last release or rollback made from this checkout (git-ignored).
write_rollback_record() { # TAG PREVIOUS_TAG TASK_DEFINITION PREVIOUS_TASK_DEFINITION STATE
  mkdir -p "$RELEASES_DIR"
  jq -n --arg stack "$STACK_NAME" --arg tag "$1" --arg previous "$2" --arg td "$3" --arg previous_td "$4" --arg state "$5" \
    --arg sha "$(git -C "$REPO_DIR" rev-parse HEAD 2>/dev/null || echo unknown)" \
    --argjson dirty "$([ -z "$(git -C "$REPO_DIR" status --porcelain 2>/dev/null)" ] && echo false || echo true)" \
    --arg who "$(operator_name)" --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{stack: $stack, tag: $tag, previous_tag: $previous, task_definition: (if $td == "" then null else $td end),
      previous_task_definition: $previous_td, state: $state, git_sha: $sha, git_dirty: $dirty, who: $who, when: $when}' \
    >"$ROLLBACK_FILE.tmp"
  mv "$ROLLBACK_FILE.tmp" "$ROLLBACK_FILE"
}

# Appends one event to the local, append-only history (one JSON object per line).
record_event() { # EVENT RESULT FROM_TAG TO_TAG
  mkdir -p "$RELEASES_DIR"
  jq -cn --arg event "$1" --arg result "$2" --arg from "$3" --arg to "$4" --arg stack "$STACK_NAME" \
    --arg who "$(operator_name)" --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{event: $event, result: $result, from_tag: $from, to_tag: $to, stack: $stack, who: $who, when: $when}' >>"$HISTORY_FILE"
}

operator_name() {
  echo "${RELEASE_OPERATOR:-$(id -un)@$(hostname)}"
}
