#!/usr/bin/env bash
# End-to-end test of deploy/release.sh and deploy/rollback.sh against moto: the real template
# (deploy/move-api.yaml, less what moto's CloudFormation cannot create; moto_template.py) deployed
# as a stack, releases and rollbacks through its ImageTag, with the real service as smoke target.
# Covers: refusals (bad tag, missing env, a stack in progress, nothing to roll back to), dry runs
# that change nothing, releases that keep every other parameter, the release history in ECS tags,
# rollback from releases/rollback.json and, when it is missing or out of date, from ECS, and a
# broken release that rolls itself back.
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

# shellcheck source=../../.ci/lib/service.sh
source "$REPO_DIR/.ci/lib/service.sh"
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  service_stop 30
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
service_start env DATABASE_URL="$RELEASE_TEST_DATABASE_URL" AUTH_MODE=none PORT="$SERVICE_PORT" LOG_FORMAT=text \
  java -jar "$JAR" >"$work/service.log" 2>&1

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
unset AWS_PROFILE SKIP_BUILD WAIT_TIMEOUT RELEASE_OPERATOR SMOKE_TOKEN SMOKE_DATE STACK_NAME

echo "== moto_server on 127.0.0.1:$MOTO_PORT"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$work/moto.log" 2>&1 &
pids+=($!)
wait_for() { # URL SECONDS
  local _
  for _ in $(seq "$2"); do curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0; sleep 1; done
  return 1
}
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" 30 || { cat "$work/moto.log" >&2; fail "moto did not start within 30 s"; }

echo "== the stack in moto: deploy/move-api.yaml for Environment=test, ImageTag v0.9.0, created through a change set"
export STACK_NAME=move-api-test RELEASES_DIR=$work/releases SKIP_BUILD=1 RELEASE_OPERATOR=release-test
python "$TEST_DIR/moto_template.py" "$REPO_DIR/deploy/move-api.yaml" >"$work/template.json" 2>"$work/template.log" \
  || { cat "$work/template.log" >&2; fail "moto_template.py"; }
vpc=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
subnet() { aws ec2 create-subnet --vpc-id "$vpc" --cidr-block "$1" --availability-zone "$2" --query Subnet.SubnetId --output text; }
subnets="$(subnet 10.0.1.0/24 us-east-1a),$(subnet 10.0.2.0/24 us-east-1b)"
# Every parameter given, defaults included: moto keeps UsePreviousValue only for parameters given at creation.
jq -c --arg vpc "$vpc" --arg subnets "$subnets" \
  --arg db_sg "$(aws ec2 create-security-group --group-name db --description db --vpc-id "$vpc" --query GroupId --output text)" \
  --arg cert "$(aws acm request-certificate --domain-name moveapi.example.com --query CertificateArn --output text)" \
  '{Environment: "test", VpcId: $vpc, PublicSubnetIds: $subnets, PrivateSubnetIds: $subnets, CertificateArn: $cert,
    DbSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:moveapi-db-AbCdEf", DbSecurityGroupId: $db_sg,
    DbInstanceIdentifier: "moveapi-db", ImageRepository: "registry.example/move-api", ImageTag: "v0.9.0",
    JwtIssuer: "https://issuer.example", JwtAudience: "board", JwtJwksUrl: "https://issuer.example/jwks.json"} as $given
   | [.Parameters | to_entries[] | {ParameterKey: .key, ParameterValue: ($given[.key] // (.value.Default | tostring))}]' \
  "$work/template.json" >"$work/parameters.json"
aws cloudformation create-change-set --stack-name "$STACK_NAME" --change-set-name initial --change-set-type CREATE \
  --template-body "file://$work/template.json" --parameters "file://$work/parameters.json" --capabilities CAPABILITY_IAM >/dev/null
stack_status() { aws cloudformation describe-stacks --stack-name "$STACK_NAME" --query 'Stacks[0].StackStatus' --output text; }
assert_eq "$(stack_status)" REVIEW_IN_PROGRESS "status of a stack whose change set is not executed yet"

echo "== the smoke target: a proxy in front of the service that answers 503 while the stack deploys a '-broken' tag"
service_await_ready "http://127.0.0.1:$SERVICE_PORT" 90 || { cat "$work/service.log" >&2; fail "the service was not ready"; }
python3 "$TEST_DIR/deployed_image_proxy.py" "http://127.0.0.1:$SERVICE_PORT" "$STACK_NAME" >"$work/proxy.port" 2>"$work/proxy.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/proxy.port" ] && break; sleep 0.2; done
[ -s "$work/proxy.port" ] || { cat "$work/proxy.log" >&2; fail "the proxy did not start"; }
export SERVICE_URL=http://127.0.0.1:$(head -n 1 "$work/proxy.port")

release=$REPO_DIR/deploy/release.sh
rollback=$REPO_DIR/deploy/rollback.sh
image_tag() { aws cloudformation describe-stacks --stack-name "$STACK_NAME" --query 'Stacks[0].Parameters[?ParameterKey==`ImageTag`].ParameterValue' --output text; }
stack_td() { aws cloudformation describe-stack-resource --stack-name "$STACK_NAME" --logical-resource-id TaskDefinition --query StackResourceDetail.PhysicalResourceId --output text; }
# "release outcome" tags of a task definition revision.
revision_tags() { aws ecs list-tags-for-resource --resource-arn "$1" --output json | jq -r '[.tags[] | {(.key): .value}] | add // {} | "\(.["move-api:release"]) \(.["move-api:outcome"])"'; }
# The stack's parameters other than ImageTag, sorted: a release must not change any of them.
other_parameters() { aws cloudformation describe-stacks --stack-name "$STACK_NAME" --output json | jq -c '.Stacks[0].Parameters | map(select(.ParameterKey != "ImageTag")) | sort_by(.ParameterKey)'; }
# Everything a dry run must leave alone: the stack, the task definition revisions and their tags, the release files.
state() {
  aws cloudformation describe-stacks --stack-name "$STACK_NAME" --output json | jq -c '.Stacks[0] | {StackStatus, Parameters}'
  local arn
  for arn in $(aws ecs list-task-definitions --family-prefix move-api-test --status ACTIVE --query taskDefinitionArns --output text) \
             $(aws ecs list-task-definitions --family-prefix move-api-test --status INACTIVE --query taskDefinitionArns --output text); do
    echo "$arn $(revision_tags "$arn")"
  done
  cat "$RELEASES_DIR"/* 2>/dev/null || true
}
history_last() { tail -n 1 "$RELEASES_DIR/history.jsonl" | jq -r "$1"; }

echo "== refusals"
run_expect 2 bad-tag "$release" 'v1.0'
assert_output bad-tag "invalid tag 'v1.0'"
run_expect 2 no-env env -u STACK_NAME -u SERVICE_URL "$release" v1.0.0
assert_output no-env "missing environment variable(s): STACK_NAME SERVICE_URL"
run_expect 2 in-progress "$release" v1.0.0
assert_output in-progress "stack 'move-api-test' is REVIEW_IN_PROGRESS: a release, rollback or stack change is running"
assert_eq "$(stack_status)" REVIEW_IN_PROGRESS "status after the refused release"
pass "bad tag, missing env and a stack in progress are refused with exit 2, nothing changed"

aws cloudformation execute-change-set --stack-name "$STACK_NAME" --change-set-name initial
timeout 120 aws cloudformation wait stack-create-complete --stack-name "$STACK_NAME" || fail "the stack was not created: $(stack_status)"
v0_td=$(stack_td)
run_expect 2 nothing-to-roll-back "$rollback" --yes
assert_output nothing-to-roll-back "note: there is no $RELEASES_DIR/rollback.json; looking in ECS's task definition history instead"
assert_output nothing-to-roll-back "no earlier good release of stack move-api-test found in ECS"
pass "stack created ($v0_td, ImageTag v0.9.0); a rollback with nothing released before is refused"

echo "== release v1.0.0 --dry-run changes nothing"
before=$(state)
run_expect 0 release-dry "$release" v1.0.0 --dry-run
assert_output release-dry "release on stack move-api-test: ImageTag v0.9.0 -> v1.0.0"
assert_output release-dry "registry.example/move-api:v0.9.0 -> registry.example/move-api:v1.0.0"
assert_eq "$(state)" "$before" "stack, revisions, tags and release files after release --dry-run"
pass "release --dry-run printed the change and changed nothing"

echo "== release v1.0.0"
others=$(other_parameters)
run_expect 0 release-v1 "$release" v1.0.0
assert_output release-v1 "smoke passed"
assert_eq "$(image_tag)" v1.0.0 "ImageTag after v1.0.0"
assert_eq "$(other_parameters)" "$others" "every other parameter after the release (UsePreviousValue)"
v1_td=$(stack_td)
[ "$v1_td" != "$v0_td" ] || fail "the stack's task definition did not change with the release"
assert_eq "$(revision_tags "$v1_td")" "v1.0.0 released" "tags of the released revision"
assert_eq "$(revision_tags "$v0_td")" "v0.9.0 released" "tags of the revision it replaced"
assert_eq "$(jq -r '[.stack, .tag, .previous_tag, .state, .task_definition, .who, .git_sha] | join(" ")' "$RELEASES_DIR/rollback.json")" \
  "move-api-test v1.0.0 v0.9.0 released $v1_td release-test $(git -C "$REPO_DIR" rev-parse HEAD)" "rollback.json after v1.0.0"
assert_eq "$(history_last '[.event, .result, .from_tag, .to_tag] | join(" ")')" "release ok v0.9.0 v1.0.0" "history after v1.0.0"
run_expect 2 release-again "$release" v1.0.0
assert_output release-again "stack 'move-api-test' already runs v1.0.0; nothing to release"
pass "v1.0.0 released through the stack ($v1_td); other parameters kept; both revisions tagged; a repeat is refused"

echo "== release v2.0.0, then rollback --dry-run and an unconfirmed rollback change nothing"
run_expect 0 release-v2 "$release" v2.0.0
v2_td=$(stack_td)
before=$(state)
run_expect 0 rollback-dry "$rollback" --dry-run
assert_output rollback-dry "roll back stack move-api-test: ImageTag v2.0.0 -> v1.0.0"
assert_output rollback-dry "source: $RELEASES_DIR/rollback.json (release v2.0.0 by release-test"
run_expect 2 rollback-unconfirmed "$rollback"
assert_output rollback-unconfirmed "pass --yes"
assert_eq "$(state)" "$before" "stack, revisions, tags and release files after rollback --dry-run and without --yes"
pass "rollback --dry-run named v1.0.0 from rollback.json and changed nothing; without --yes on a pipe it refused"

echo "== another operator releases v2.1.0 from elsewhere: this checkout's rollback.json is now out of date"
run_expect 0 release-elsewhere env RELEASES_DIR="$work/elsewhere" "$release" v2.1.0
v21_td=$(stack_td)
assert_eq "$(jq -r .tag "$RELEASES_DIR/rollback.json")" v2.0.0 "this checkout's rollback.json"
run_expect 0 rollback "$rollback" --yes
assert_output rollback "note: $RELEASES_DIR/rollback.json names release v2.0.0, but the stack runs v2.1.0"
assert_output rollback "source: ECS: task definition $v2_td, tagged move-api:outcome=released, move-api:release=v2.0.0"
assert_output rollback "smoke passed"
assert_eq "$(image_tag)" v2.0.0 "ImageTag after the rollback"
assert_eq "$(revision_tags "$v21_td")" "v2.1.0 rolled_back" "tags of the revision rolled back from"
assert_eq "$(revision_tags "$(stack_td)")" "v2.0.0 released" "tags of the revision rolled back to"
assert_eq "$(history_last '[.event, .result, .from_tag, .to_tag] | join(" ")')" "rollback ok v2.1.0 v2.0.0" "history after the rollback"
pass "the out-of-date rollback.json was set aside; ECS's history named v2.0.0; rolled back and recorded"

echo "== without rollback.json, the next rollback finds the release before from ECS alone"
rm "$RELEASES_DIR/rollback.json"
run_expect 0 rollback-no-file "$rollback" --dry-run
assert_output rollback-no-file "note: there is no $RELEASES_DIR/rollback.json"
assert_output rollback-no-file "roll back stack move-api-test: ImageTag v2.0.0 -> v1.0.0"
assert_output rollback-no-file "source: ECS: task definition $v1_td"
pass "ECS's history skips the rolled-back v2.1.0 and the running v2.0.0 and names v1.0.0"

echo "== a broken release (v3.0.0-broken: the proxy answers 503 while the stack deploys it) rolls back by itself"
run_expect 1 release-broken "$release" v3.0.0-broken
assert_output release-broken "smoke FAILED"
assert_output release-broken "rolled back automatically to v2.0.0, whose smoke test passed"
assert_eq "$(image_tag)" v2.0.0 "ImageTag after the broken release"
assert_eq "$(jq -r '[.tag, .previous_tag, .state] | join(" ")' "$RELEASES_DIR/rollback.json")" "v2.0.0 v3.0.0-broken rolled_back" "rollback.json after the broken release"
assert_eq "$(history_last '[.event, .result, .from_tag, .to_tag] | join(" ")')" "auto_rollback ok v3.0.0-broken v2.0.0" "history after the broken release"
run_expect 0 rollback-after-broken "$rollback" --dry-run
assert_output rollback-after-broken "records v2.0.0 as rolled_back, not as a release to undo"
assert_output rollback-after-broken "ImageTag v2.0.0 -> v1.0.0"
pass "v3.0.0-broken failed its smoke test, the stack is back on v2.0.0, and rollback.sh will not return to the broken tag"

echo "PASS: release and rollback through the CloudFormation stack in moto, with the real service as smoke target"
