#!/usr/bin/env bash
# Makes locust/.venv with the pinned requirements (once; a changed pin reinstalls) and prints
# its path. Used by locust/run.sh and .ci/load-smoke.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
pins=$(cat "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.pins" 2>/dev/null || true)" != "$pins" ]; then
  echo "== installing the pinned Locust into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  echo "$pins" > "$venv/.pins"
fi
echo "$venv"
