#!/usr/bin/env bash
# Puts the previous good release back through the CloudFormation stack (its ImageTag), waits,
# smoke-tests it and records the event. The previous good release comes from releases/rollback.json
# when that file describes what the stack runs now; otherwise (missing, another stack, out of date)
# from ECS itself: the newest earlier task definition revision that release.sh tagged as released.
# It says which source it used.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
  cat >&2 <<'EOF'
usage: deploy/rollback.sh [--dry-run] [--yes] [--endpoint-url URL]

  --dry-run       print what would change, and from which source, and change nothing
  --yes           do not ask for confirmation (needed when stdin is not a terminal)
  --endpoint-url  AWS endpoint to talk to (same as AWS_ENDPOINT_URL), e.g. a local moto server

required env: STACK_NAME (the deploy/move-api.yaml stack), SERVICE_URL (smoke target)
optional env: SMOKE_TOKEN, SMOKE_DATE, RELEASES_DIR, WAIT_TIMEOUT (s, default 1800), RELEASE_OPERATOR
Exit 0 rolled back (or dry run); 1 failed; 2 refused: bad usage, stack busy, no earlier good
release found, or not confirmed.
EOF
}

dry_run=false assume_yes=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --yes) assume_yes=true ;;
    --endpoint-url) [ $# -ge 2 ] || die "--endpoint-url needs a URL" 2; export AWS_ENDPOINT_URL=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown argument '$1'" 2 ;;
  esac
  shift
done
require_tools
require_env STACK_NAME SERVICE_URL
require_seconds WAIT_TIMEOUT

stack=$(describe_stack)
require_settled_stack "$stack"
current_tag=$(stack_parameter "$stack" ImageTag)
current_td=$(stack_task_definition)

# Which release to go back to, and why that one.
target="" source=""
if [ ! -f "$ROLLBACK_FILE" ]; then
  file_verdict="there is no $ROLLBACK_FILE"
elif ! record=$(jq -ce 'select(.stack and .tag and .state)' "$ROLLBACK_FILE" 2>/dev/null); then
  file_verdict="$ROLLBACK_FILE is not a release record"
elif [ "$(jq -r .stack <<<"$record")" != "$STACK_NAME" ]; then
  file_verdict="$ROLLBACK_FILE is for stack $(jq -r .stack <<<"$record")"
elif [ "$(jq -r .tag <<<"$record")" != "$current_tag" ]; then
  file_verdict="$ROLLBACK_FILE names release $(jq -r .tag <<<"$record"), but the stack runs $current_tag (released from elsewhere since)"
elif [ "$(jq -r .state <<<"$record")" != released ]; then
  file_verdict="$ROLLBACK_FILE records $current_tag as $(jq -r .state <<<"$record"), not as a release to undo"
else
  target=$(jq -r .previous_tag <<<"$record")
  source="$ROLLBACK_FILE (release $current_tag by $(jq -r .who <<<"$record") at $(jq -r .when <<<"$record"))"
fi
if [ -z "$target" ]; then
  echo "note: $file_verdict; looking in ECS's task definition history instead" >&2
  if found=$(earlier_good_release "$current_td" "$current_tag") && [ -n "$found" ]; then
    target=${found#* }
    source="ECS: task definition ${found%% *}, tagged $OUTCOME_TAG=released, $RELEASE_TAG=$target"
  else
    die "no earlier good release of stack $STACK_NAME found in ECS (the last $HISTORY_DEPTH revisions before $current_td); release a known good tag with deploy/release.sh instead" 2
  fi
fi

echo "roll back stack $STACK_NAME: ImageTag $current_tag -> $target" >&2
echo "  source: $source" >&2
if $dry_run; then
  echo "dry run: nothing updated, tagged or recorded" >&2
  exit 0
fi
if ! $assume_yes; then
  [ -t 0 ] || die "stdin is not a terminal, so nobody can confirm: pass --yes to roll back non-interactively" 2
  read -r -p "Roll back $STACK_NAME from $current_tag to $target? [y/N] " answer
  [[ $answer =~ ^[yY]([eE][sS])?$ ]] || die "not confirmed; nothing changed" 2
fi

# Marked first, while the revision is still active: whatever happens next, it is not a release to return to.
tag_revision "$current_td" "$current_tag" rolled_back
if ! update_image_tag "$stack" "$target"; then
  record_event rollback failed "$current_tag" "$target"
  die "rollback to $target failed; the stack is $(describe_stack | jq -r .StackStatus)"
fi
rolled_back_td=$(stack_task_definition)
if ! run_smoke; then
  record_event rollback failed "$current_tag" "$target"
  die "rolled back to $target, but its smoke test failed: check the service now"
fi
tag_revision "$rolled_back_td" "$target" released
write_rollback_record "$target" "$current_tag" "$rolled_back_td" "$current_td" rolled_back
record_event rollback ok "$current_tag" "$target"
log "rolled back: stack $STACK_NAME runs $target again"
