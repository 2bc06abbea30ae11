#!/usr/bin/env bash
# End-to-end test of deploy/release.sh and deploy/rollback.sh against moto's ECS, with the real
# service as the smoke target: release v1, release v2, rollback (image, cpu, memory and env come
# back), dry-runs change nothing, refusals are clear, a broken release rolls back by itself, and a
# service that never gets stable fails loudly.
#
# usage: RELEASE_TEST_DATABASE_URL=postgresql://… deploy/test/release-rollback.test.sh
#   RELEASE_TEST_DATABASE_URL  a PostgreSQL database the service may migrate and write smoke cards to
#   SERVICE_PORT (18086), MOTO_PORT (18096)  loopback ports for the service and moto
#   JAR (target/move-api.jar), VENV (target/release-test-venv: reused while requirements.txt is unchanged)
set -euo pipefail
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$TEST_DIR/../.." && pwd)
: "${RELEASE_TEST_DATABASE_URL:?set RELEASE_TEST_DATABASE_URL to a PostgreSQL database URL for the service}"
SERVICE_PORT=${SERVICE_PORT:-18086}
MOTO_PORT=${MOTO_PORT:-18096}
JAR=${JAR:-$REPO_DIR/target/move-api.jar}
VENV=${VENV:-$REPO_DIR/target/release-test-venv}
[ -f "$JAR" ] || { echo "error: $JAR not found; build it first: mvn -q -DskipTests package" >&2; exit 2; }
for tool in jq curl python3 timeout; do
  command -v "$tool" >/dev/null || { echo "error: the test needs '$tool'" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
# run_expect CODE NAME CMD…: runs CMD with its output in $work/NAME.out; its exit status must be CODE.
run_expect() {
  local code=$1 name=$2 status=0
  shift 2
  "$@" >"$work/$name.out" 2>&1 </dev/null || status=$?
  [ "$status" = "$code" ] || { cat "$work/$name.out" >&2; fail "$name: exit $status, expected $code"; }
}
assert_output() { grep -qF -- "$2" "$work/$1.out" || { cat "$work/$1.out" >&2; fail "$1: output lacks '$2'"; }; }

echo "== the real service on 127.0.0.1:$SERVICE_PORT (started first: it takes the longest)"
DATABASE_URL=$RELEASE_TEST_DATABASE_URL AUTH_MODE=none PORT=$SERVICE_PORT LOG_FORMAT=text \
  java -jar "$JAR" >"$work/service.log" 2>&1 &
pids+=($!)

echo "== moto[server] and awscli in $VENV"
stamp=$VENV/requirements.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum <"$TEST_DIR/requirements.txt")" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$TEST_DIR/requirements.txt"
  sha256sum <"$TEST_DIR/requirements.txt" >"$stamp"
fi
export PATH=$VENV/bin:$PATH
# Fake credentials for moto; nothing here may reach a real AWS account.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing \
  AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
unset AWS_PROFILE APP_CONTAINER SKIP_BUILD WAIT_TIMEOUT RELEASE_OPERATOR SMOKE_TOKEN SMOKE_DATE

echo "== moto_server on 127.0.0.1:$MOTO_PORT"
# Tasks of services created from now on count as running, so "services-stable" can be reached.
MOTO_ECS_SERVICE_RUNNING=2 moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$work/moto.log" 2>&1 &
pids+=($!)
wait_for() { # URL SECONDS
  local _
  for _ in $(seq "$2"); do curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0; sleep 1; done
  return 1
}
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" 30 || { cat "$work/moto.log" >&2; fail "moto did not start within 30 s"; }

echo "== ECS fixture in moto: cluster, task definition v0 (cpu 256, memory 512), service of 2 tasks"
export CLUSTER=move-api-test SERVICE=move-api IMAGE_REPOSITORY=registry.example/move-api
export RELEASES_DIR=$work/releases SKIP_BUILD=1 RELEASE_OPERATOR=release-test
container='[{"name":"move-api","image":"registry.example/move-api:v0.9.0","essential":true,
  "portMappings":[{"containerPort":8080}],"environment":[{"name":"APP_ENV","value":"test"}]}]'
aws ecs create-cluster --cluster-name "$CLUSTER" >/dev/null
v0=$(aws ecs register-task-definition --family move-api --cpu 256 --memory 512 --network-mode awsvpc \
  --requires-compatibilities FARGATE --container-definitions "$container" --tags key=team,value=shop \
  --query taskDefinition.taskDefinitionArn --output text)
aws ecs create-service --cluster "$CLUSTER" --service-name "$SERVICE" --task-definition "$v0" \
  --desired-count 2 --launch-type FARGATE >/dev/null

service_td() { aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --query 'services[0].taskDefinition' --output text; }
# "image cpu memory sorted-env" of a revision, in one aws call (each costs about a second here).
td_summary() { aws ecs describe-task-definition --task-definition "$1" --output json | jq -r '.taskDefinition
  | [.containerDefinitions[0].image, .cpu, .memory] + [.containerDefinitions[0].environment[] | "\(.name)=\(.value)"] | join(" ")'; }
# Everything a dry run must leave alone: the service, the task definition revisions, the release files.
state() {
  aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --output json | jq -c '.services[0] | {taskDefinition, deployments}'
  aws ecs list-task-definitions --output json | jq -c .taskDefinitionArns
  cat "$RELEASES_DIR"/* 2>/dev/null || true
}
history_last() { tail -n 1 "$RELEASES_DIR/history.jsonl" | jq -r "$1"; }

echo "== the smoke target: a proxy in front of the service that answers 503 while ECS runs a '-broken' image"
wait_for "http://127.0.0.1:$SERVICE_PORT/readyz" 90 || { cat "$work/service.log" >&2; fail "the service was not ready within 90 s"; }
python3 "$TEST_DIR/deployed_image_proxy.py" "http://127.0.0.1:$SERVICE_PORT" "$CLUSTER" "$SERVICE" >"$work/proxy.port" 2>"$work/proxy.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/proxy.port" ] && break; sleep 0.2; done
[ -s "$work/proxy.port" ] || { cat "$work/proxy.log" >&2; fail "the proxy did not start"; }
export SERVICE_URL=http://127.0.0.1:$(head -n 1 "$work/proxy.port")
wait_for "$SERVICE_URL/healthz" 10 || fail "the proxy does not answer at $SERVICE_URL"

release=$REPO_DIR/deploy/release.sh
rollback=$REPO_DIR/deploy/rollback.sh

echo "== refusals"
run_expect 2 bad-tag "$release" 'v1.0'
assert_output bad-tag "invalid tag 'v1.0'"
run_expect 2 no-env env -u CLUSTER -u IMAGE_REPOSITORY "$release" v1.0.0
assert_output no-env "missing environment variable(s): CLUSTER IMAGE_REPOSITORY"
run_expect 2 no-record "$rollback" --yes
assert_output no-record "no $RELEASES_DIR/rollback.json: nothing recorded to roll back to"
assert_eq "$(service_td)" "$v0" "service after the refusals"
pass "bad tag, missing env and a missing rollback.json are refused with exit 2, nothing changed"

echo "== release v1.0.0 --dry-run changes nothing"
before=$(state)
run_expect 0 release-dry "$release" v1.0.0 --dry-run
assert_output release-dry "image:  registry.example/move-api:v1.0.0"
assert_eq "$(state)" "$before" "ECS state and release files after release --dry-run"
[ ! -e "$RELEASES_DIR/rollback.json" ] || fail "release --dry-run wrote rollback.json"
pass "release --dry-run printed the new image and changed nothing"

echo "== release v1.0.0"
run_expect 0 release-v1 "$release" v1.0.0
assert_output release-v1 "smoke passed"
v1=$(service_td)
[ "$v1" != "$v0" ] || fail "release v1.0.0 left the service on $v0"
assert_eq "$(jq -r .previous_task_definition "$RELEASES_DIR/rollback.json")" "$v0" "rollback.json previous after v1"
assert_eq "$(jq -r .new_task_definition "$RELEASES_DIR/rollback.json")" "$v1" "rollback.json new after v1"
assert_eq "$(jq -r '[.tag, .image, .state, .who, .git_sha] | join(" ")' "$RELEASES_DIR/rollback.json")" \
  "v1.0.0 registry.example/move-api:v1.0.0 released release-test $(git -C "$REPO_DIR" rev-parse HEAD)" "rollback.json after v1"
v1_summary="registry.example/move-api:v1.0.0 256 512 APP_ENV=test APP_VERSION=v1.0.0"
assert_eq "$(td_summary "$v1")" "$v1_summary" "v1 image, cpu, memory (carried over from v0) and env"
assert_eq "$(aws ecs describe-task-definition --task-definition "$v1" --include TAGS --output json | jq -c .tags)" \
  '[{"key":"team","value":"shop"}]' "v1 tags (carried over from v0)"
assert_eq "$(history_last '[.event, .result, .to_task_definition] | join(" ")')" "release ok $v1" "history after v1"
pass "v1.0.0 released: service on $v1 (tags, cpu, memory carried over), smoke passed, rollback.json records $v0 -> $v1"

echo "== release v2.0.0, then an out-of-band change on it (memory, cpu, env), like a stack update"
run_expect 0 release-v2 "$release" v2.0.0
v2=$(service_td)
[ "$v2" != "$v1" ] || fail "release v2.0.0 left the service on $v1"
assert_eq "$(jq -r .previous_task_definition "$RELEASES_DIR/rollback.json")" "$v1" "rollback.json previous after v2"
aws ecs describe-task-definition --task-definition "$v2" --output json | jq '.taskDefinition
  | {family, networkMode, requiresCompatibilities, containerDefinitions, cpu: "512", memory: "1024"}
  | .containerDefinitions[0].environment += [{name: "FEATURE_X", value: "on"}]' >"$work/v2b.json"
v2b=$(aws ecs register-task-definition --cli-input-json "file://$work/v2b.json" --query taskDefinition.taskDefinitionArn --output text)
aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$v2b" >/dev/null
assert_eq "$(td_summary "$(service_td)")" "registry.example/move-api:v2.0.0 512 1024 APP_ENV=test APP_VERSION=v2.0.0 FEATURE_X=on" \
  "the service's revision before the rollback"
pass "v2.0.0 released on $v2; service then moved to $v2b (cpu 512, memory 1024, FEATURE_X=on)"

echo "== rollback --dry-run and rollback without --yes change nothing"
before=$(state)
run_expect 0 rollback-dry "$rollback" --dry-run
assert_output rollback-dry "image:  registry.example/move-api:v1.0.0"
assert_output rollback-dry "dry run: nothing updated or recorded"
assert_eq "$(state)" "$before" "ECS state and release files after rollback --dry-run"
run_expect 2 rollback-unconfirmed "$rollback"
assert_output rollback-unconfirmed "pass --yes"
assert_eq "$(state)" "$before" "ECS state and release files after an unconfirmed rollback"
pass "rollback --dry-run showed v1's revision and changed nothing; without --yes on a pipe it refused"

echo "== rollback --yes"
run_expect 0 rollback "$rollback" --yes
assert_output rollback "smoke passed"
assert_eq "$(service_td)" "$v1" "service task definition after rollback"
assert_eq "$(td_summary "$v1")" "$v1_summary" "image, cpu, memory and env of the revision rolled back to"
assert_eq "$(history_last '[.event, .result, .from_task_definition, .to_task_definition] | join(" ")')" \
  "rollback ok $v2b $v1" "history after rollback"
pass "rolled back to $v1: image v1.0.0, cpu 256, memory 512, env without FEATURE_X; recorded"

echo "== a second rollback would be a no-op and is refused"
run_expect 2 rollback-noop "$rollback" --yes
assert_output rollback-noop "rollback would change nothing"
assert_eq "$(service_td)" "$v1" "service after the refused no-op rollback"
pass "rollback onto the revision already running is refused"

echo "== a broken release (v3.0.0-broken: the proxy answers 503 while it is deployed) rolls back by itself"
run_expect 1 release-broken "$release" v3.0.0-broken
assert_output release-broken "smoke FAILED"
assert_output release-broken "rolled back automatically to $v1, whose smoke test passed"
assert_eq "$(service_td)" "$v1" "service after the broken release"
broken=$(jq -r .new_task_definition "$RELEASES_DIR/rollback.json")
assert_eq "$(td_summary "$broken" | cut -d' ' -f1)" "registry.example/move-api:v3.0.0-broken" "image of the recorded broken revision"
assert_eq "$(jq -r .state "$RELEASES_DIR/rollback.json")" "rolled_back" "rollback.json state after the broken release"
assert_eq "$(history_last '[.event, .result, .from_task_definition, .to_task_definition] | join(" ")')" \
  "auto_rollback ok $broken $v1" "history after the broken release"
pass "v3.0.0-broken failed its smoke test, exit 1, service back on $v1 (smoke passed), recorded"

echo "== a service that never gets stable: the release and its automatic rollback both fail, loudly"
# desired 3 while moto reports 2 running tasks: 'services-stable' can never be reached.
aws ecs create-service --cluster "$CLUSTER" --service-name stuck --task-definition "$v0" \
  --desired-count 3 --launch-type FARGATE >/dev/null
run_expect 1 release-stuck env SERVICE=stuck WAIT_TIMEOUT=3 RELEASES_DIR="$work/releases-stuck" "$release" v1.0.0
assert_output release-stuck "did not become stable within 3s"
assert_output release-stuck "AND the automatic rollback to $v0 failed"
assert_eq "$(jq -r '[.event, .result] | join(" ")' "$work/releases-stuck/history.jsonl")" "auto_rollback failed" "history of the stuck service"
pass "a release that never gets stable tries the rollback, and says so when that fails too (exit 1)"

echo "PASS: release and rollback against moto ECS with the real service as smoke target"
