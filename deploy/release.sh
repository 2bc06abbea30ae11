#!/usr/bin/env bash
# Releases an image tag through the CloudFormation stack: builds and pushes the image (skippable),
# sets the stack's ImageTag (template and every other parameter unchanged), waits while
# CloudFormation and ECS replace the tasks, and smoke-tests the result. A failed smoke test puts
# the previous tag back through the stack and exits 1. The stack's own in-progress state is the lock.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
  cat >&2 <<'EOF'
usage: deploy/release.sh <tag> [--dry-run] [--skip-build] [--endpoint-url URL]

  <tag>           image tag: v1.2.3, 1.2.3, v1.2.3-rc.1 (semver with optional v and pre-release)
                  or a git sha (7-40 lowercase hex digits)
  --dry-run       print the change and change nothing (no file written)
  --skip-build    do not docker build/push (the image is already in the registry); or SKIP_BUILD=1
  --endpoint-url  AWS endpoint to talk to (same as AWS_ENDPOINT_URL), e.g. a local moto server

required env: STACK_NAME (the deploy/move-api.yaml stack), SERVICE_URL (smoke target)
optional env: SMOKE_TOKEN, SMOKE_DATE, RELEASES_DIR, WAIT_TIMEOUT (s, default 1800),
  RELEASE_OPERATOR (recorded as "who"; default user@host)
Exit 0 released; 1 failed (CloudFormation rolled back, or the smoke test failed and the previous
tag was put back); 2 bad usage or configuration, or refused (stack busy, tag already running).
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
require_env STACK_NAME SERVICE_URL
require_seconds WAIT_TIMEOUT
[ "$skip_build" = 1 ] || command -v docker >/dev/null || die "docker is not installed; build and push elsewhere and pass --skip-build" 2

stack=$(describe_stack)
require_settled_stack "$stack"
previous_tag=$(stack_parameter "$stack" ImageTag)
repository=$(stack_parameter "$stack" ImageRepository)
[ "$previous_tag" != "$tag" ] || die "stack '$STACK_NAME' already runs $tag; nothing to release" 2
previous_td=$(stack_task_definition)

echo "release on stack $STACK_NAME: ImageTag $previous_tag -> $tag" >&2
echo "  image: $repository:$previous_tag -> $repository:$tag (task definition now $previous_td)" >&2
if $dry_run; then
  echo "dry run: nothing built, updated, tagged or recorded" >&2
  exit 0
fi

# The release being replaced ran until now: it is the one to come back to, unless already judged.
[ -n "$(revision_tag "$previous_td" "$OUTCOME_TAG")" ] || tag_revision "$previous_td" "$previous_tag" released
# Written before anything changes, so the record exists even if this script dies midway.
write_rollback_record "$tag" "$previous_tag" "" "$previous_td" started

if [ "$skip_build" = 1 ]; then
  log "skipping docker build/push: $repository:$tag must already be in the registry"
else
  log "docker build and push $repository:$tag"
  docker build --build-arg VERSION="$tag" --build-arg GIT_SHA="$(git -C "$REPO_DIR" rev-parse HEAD)" -t "$repository:$tag" "$REPO_DIR"
  docker push "$repository:$tag"
fi

if ! update_image_tag "$stack" "$tag"; then
  write_rollback_record "$tag" "$previous_tag" "" "$previous_td" failed
  record_event release failed "$previous_tag" "$tag"
  die "release $tag failed; the stack is $(describe_stack | jq -r '"\(.StackStatus) with ImageTag \(.Parameters[] | select(.ParameterKey == "ImageTag") | .ParameterValue)"')"
fi
released_td=$(stack_task_definition)

if ! run_smoke; then
  log "release $tag failed its smoke test; putting $previous_tag back through the stack"
  tag_revision "$released_td" "$tag" rolled_back
  if update_image_tag "$(describe_stack)" "$previous_tag" && run_smoke; then
    tag_revision "$(stack_task_definition)" "$previous_tag" released
    write_rollback_record "$previous_tag" "$tag" "$(stack_task_definition)" "$released_td" rolled_back
    record_event auto_rollback ok "$tag" "$previous_tag"
    die "release $tag failed its smoke test; rolled back automatically to $previous_tag, whose smoke test passed"
  fi
  write_rollback_record "$tag" "$previous_tag" "$released_td" "$previous_td" rollback_failed
  record_event auto_rollback failed "$tag" "$previous_tag"
  die "release $tag failed its smoke test AND putting $previous_tag back failed; the stack is $(describe_stack | jq -r .StackStatus): act now (docs/operations.md)"
fi
tag_revision "$released_td" "$tag" released
write_rollback_record "$tag" "$previous_tag" "$released_td" "$previous_td" released
record_event release ok "$previous_tag" "$tag"
log "released $tag on $STACK_NAME ($released_td); deploy/rollback.sh puts $previous_tag back"
