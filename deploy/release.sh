#!/usr/bin/env bash
# Releases an image tag to the ECS service: records what runs now in releases/rollback.json, builds
# and pushes the image (skippable), registers a copy of the current task definition with the new
# image, updates the service, waits until it is stable and smoke-tests it. A failed wait or smoke
# test puts the service back on the previous revision automatically and exits 1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
  cat >&2 <<'EOF'
usage: deploy/release.sh <tag> [--dry-run] [--skip-build] [--endpoint-url URL]

  <tag>           image tag: v1.2.3, 1.2.3, v1.2.3-rc.1 (semver with optional v and pre-release)
                  or a git sha (7-40 lowercase hex digits)
  --dry-run       print the task definition change and change nothing (no file written)
  --skip-build    do not docker build/push (the image is already in the registry); or SKIP_BUILD=1
  --endpoint-url  AWS endpoint to talk to (same as AWS_ENDPOINT_URL), e.g. a local moto server

required env: CLUSTER, SERVICE, SERVICE_URL (smoke target), IMAGE_REPOSITORY (e.g.
  123456789012.dkr.ecr.eu-west-1.amazonaws.com/move-api; the image is IMAGE_REPOSITORY:<tag>)
optional env: SMOKE_TOKEN, SMOKE_DATE, APP_CONTAINER, RELEASES_DIR, WAIT_TIMEOUT (s, default 600),
  RELEASE_OPERATOR (recorded as "who"; default user@host)
Exit 0 released, 1 failed (rolled back automatically when it got as far as updating the service),
2 bad usage or configuration.
EOF
}

TAG_PATTERN='^(v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?|[0-9a-f]{7,40})$'
tag="" dry_run=false skip_build=${SKIP_BUILD:-0}
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --skip-build) skip_build=1 ;;
    --endpoint-url) [ $# -ge 2 ] || die "--endpoint-url needs a URL" 2; export AWS_ENDPOINT_URL=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage; die "unknown option '$1'" 2 ;;
    *) [ -z "$tag" ] || { usage; die "only one tag, got '$tag' and '$1'" 2; }; tag=$1 ;;
  esac
  shift
done
[ -n "$tag" ] || { usage; die "missing <tag>" 2; }
[[ $tag =~ $TAG_PATTERN ]] || die "invalid tag '$tag': expected v1.2.3, 1.2.3, v1.2.3-rc.1 or a 7-40 digit lowercase git sha" 2
[[ $skip_build =~ ^[01]$ ]] || die "SKIP_BUILD must be 0 or 1, got '$skip_build'" 2
require_tools
require_env CLUSTER SERVICE SERVICE_URL IMAGE_REPOSITORY
require_seconds WAIT_TIMEOUT
[ "$skip_build" = 1 ] || command -v docker >/dev/null || die "docker is not installed; build and push elsewhere and pass --skip-build" 2

image=$IMAGE_REPOSITORY:$tag
previous=$(current_task_definition)
current_def=$(describe_task_definition "$previous")
container=$(app_container_name "$current_def")
current_image=$(jq -r --arg c "$container" '.containerDefinitions[] | select(.name == $c) | .image' <<<"$current_def")
[ "$current_image" != "$image" ] || die "service '$SERVICE' already runs $image; nothing to release" 2

# The new revision is the current one with only the app container's image and APP_VERSION changed,
# so cpu, memory, roles, secrets and the other variables carry over; read-only fields are dropped.
new_def=$(jq --arg c "$container" --arg image "$image" --arg tag "$tag" '
  del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
      .registeredAt, .registeredBy, .deregisteredAt)
  | if (.tags // []) == [] then del(.tags) else . end
  | .containerDefinitions |= map(if .name == $c then
      .image = $image
      | .environment = ([.environment[]? | select(.name != "APP_VERSION")] + [{name: "APP_VERSION", value: $tag}])
    else . end)' <<<"$current_def")

echo "release $tag to service $SERVICE (cluster $CLUSTER), container '$container':" >&2
echo "from:" >&2; summarize_task_definition "$current_def" "$container" >&2
echo "to:" >&2; summarize_task_definition "$new_def" "$container" >&2
if $dry_run; then
  echo "dry run: nothing registered, updated or recorded" >&2
  exit 0
fi

git_sha=$(git -C "$REPO_DIR" rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=$([ -z "$(git -C "$REPO_DIR" status --porcelain 2>/dev/null)" ] && echo false || echo true)
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Written before anything changes, so a rollback target exists even if this script dies midway;
# rewritten as the release goes on (new ARN, then its final state).
write_rollback_record() {
  mkdir -p "$RELEASES_DIR"
  jq -n --arg cluster "$CLUSTER" --arg service "$SERVICE" --arg tag "$tag" --arg image "$image" \
    --arg sha "$git_sha" --argjson dirty "$git_dirty" --arg who "$(operator_name)" --arg when "$started_at" \
    --arg previous "$previous" --arg new "$1" --arg state "$2" \
    '{cluster: $cluster, service: $service, tag: $tag, image: $image, git_sha: $sha, git_dirty: $dirty,
      who: $who, when: $when, previous_task_definition: $previous,
      new_task_definition: (if $new == "" then null else $new end), state: $state}' \
    >"$ROLLBACK_FILE.tmp"
  mv "$ROLLBACK_FILE.tmp" "$ROLLBACK_FILE"
}
write_rollback_record "" started
log "recorded previous task definition $previous in $ROLLBACK_FILE"

if [ "$skip_build" = 1 ]; then
  log "skipping docker build/push: $image must already be in the registry"
else
  log "docker build and push $image"
  docker build -t "$image" "$REPO_DIR"
  docker push "$image"
fi

new=$(aws ecs register-task-definition --cli-input-json "$new_def" --output json | jq -er '.taskDefinition.taskDefinitionArn') \
  || die "register-task-definition failed; the service was not changed"
log "registered $new"
write_rollback_record "$new" started

# Puts the service back on $previous after a failed wait or smoke test, then exits 1.
auto_rollback() {
  log "release $tag failed: $1; rolling back to $previous"
  if switch_service "$previous" && run_smoke; then
    write_rollback_record "$new" rolled_back
    record_event auto_rollback ok "$new" "$previous" "$tag"
    die "release $tag failed ($1); rolled back automatically to $previous, whose smoke test passed"
  fi
  write_rollback_record "$new" rollback_failed
  record_event auto_rollback failed "$new" "$previous" "$tag"
  die "release $tag failed ($1) AND the automatic rollback to $previous failed; the service runs $(current_task_definition): act now"
}

switch_service "$new" || auto_rollback "the service did not become stable on $new"
run_smoke || auto_rollback "the smoke test failed"
write_rollback_record "$new" released
record_event release ok "$previous" "$new" "$tag"
log "released $tag: service $SERVICE runs $new; deploy/rollback.sh puts it back on $previous"
