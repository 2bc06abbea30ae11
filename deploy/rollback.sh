#!/usr/bin/env bash
# Puts the ECS service back on the task definition revision that ran before the last release
# (recorded in releases/rollback.json), so image, cpu, memory and environment all come back;
# waits until it is stable, smoke-tests it and records the event in releases/history.jsonl.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
  cat >&2 <<'EOF'
usage: deploy/rollback.sh [--dry-run] [--yes] [--endpoint-url URL]

  --dry-run       print what would change and change nothing
  --yes           do not ask for confirmation (needed when stdin is not a terminal)
  --endpoint-url  AWS endpoint to talk to (same as AWS_ENDPOINT_URL), e.g. a local moto server

required env: CLUSTER, SERVICE, SERVICE_URL (smoke target)
optional env: SMOKE_TOKEN, SMOKE_DATE, APP_CONTAINER, RELEASES_DIR, WAIT_TIMEOUT (s, default 600),
  RELEASE_OPERATOR
Exit 0 rolled back (or dry run), 1 failed, 2 refused: bad usage, no releases/rollback.json, it
names another service, the service already runs the recorded revision, or not confirmed.
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
require_env CLUSTER SERVICE SERVICE_URL
require_seconds WAIT_TIMEOUT

[ -f "$ROLLBACK_FILE" ] || die "no $ROLLBACK_FILE: nothing recorded to roll back to (deploy/release.sh writes it; see docs/operations.md)" 2
record=$(jq -e 'select(.previous_task_definition | type == "string")' "$ROLLBACK_FILE") \
  || die "$ROLLBACK_FILE is not a release record (no previous_task_definition)" 2
recorded_for=$(jq -r '"\(.cluster)/\(.service)"' <<<"$record")
[ "$recorded_for" = "$CLUSTER/$SERVICE" ] \
  || die "$ROLLBACK_FILE is for $recorded_for, not $CLUSTER/$SERVICE" 2
target=$(jq -r '.previous_task_definition' <<<"$record")
released=$(jq -r '.new_task_definition // "none"' <<<"$record")

current=$(current_task_definition)
[ "$current" != "$target" ] \
  || die "service '$SERVICE' already runs $target, the revision recorded before release $(jq -r .tag <<<"$record"); rollback would change nothing" 2
current_def=$(describe_task_definition "$current")
target_def=$(describe_task_definition "$target")
[ "$(jq -r .status <<<"$target_def")" = ACTIVE ] \
  || die "$target is $(jq -r .status <<<"$target_def"); ECS cannot run a deregistered revision" 2
container=$(app_container_name "$current_def")

echo "roll back service $SERVICE (cluster $CLUSTER), undoing release $(jq -r .tag <<<"$record") of $(jq -r .when <<<"$record"):" >&2
[ "$current" = "$released" ] \
  || echo "note: the service runs $current, not the release's $released (changed since the release)" >&2
echo "from:" >&2; summarize_task_definition "$current_def" "$container" >&2
echo "to:" >&2; summarize_task_definition "$target_def" "$container" >&2
if $dry_run; then
  echo "dry run: nothing updated or recorded" >&2
  exit 0
fi

if ! $assume_yes; then
  [ -t 0 ] || die "stdin is not a terminal, so nobody can confirm: pass --yes to roll back non-interactively" 2
  read -r -p "Roll back $SERVICE to $target? [y/N] " answer
  [[ $answer =~ ^[yY]([eE][sS])?$ ]] || die "not confirmed; nothing changed" 2
fi

if ! switch_service "$target"; then
  record_event rollback failed "$current" "$target"
  die "rollback to $target failed: the service did not become stable on it; it runs $(current_task_definition)"
fi
if ! run_smoke; then
  record_event rollback failed "$current" "$target"
  die "rolled back to $target, but its smoke test failed: check the service now"
fi
record_event rollback ok "$current" "$target"
log "rolled back: service $SERVICE runs $target again"
