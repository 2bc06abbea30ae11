#!/usr/bin/env bash
# Load smoke in CI: the scenario logic's unit tests, then `locust/run.sh smoke` (Locust, 5 users, 10 s)
# against the freshly built jar on a fresh database of the CI PostgreSQL (CI runs as root, so not
# the embedded one). Fails on a failed unit test or a breached threshold.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_DATABASE_URL:?TEST_DATABASE_URL must be set (.ci/run exports it)}"
[ -f target/move-api.jar ] || { echo "target/move-api.jar missing: .ci/run builds it with mvn -B verify" >&2; exit 2; }

# Debian's python3 needs python3-venv for `python3 -m venv`; the image's pyenv Python has it.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-venv
fi

db=${LOAD_SMOKE_DB:-${TEST_DATABASE_URL##*/}_load_smoke}
su postgres -c "dropdb --if-exists $db && createdb $db"
database_url="${TEST_DATABASE_URL%/*}/$db"

echo "== load smoke: unit tests of the scenario logic (pytest)"
venv=$(bash locust/venv.sh)
(cd locust && "$venv/bin/python" -m pytest -q -p no:cacheprovider)

echo "== load smoke: locust/run.sh smoke against target/move-api.jar on $db"
DATABASE_URL=$database_url PORT=${LOAD_SMOKE_PORT:-18088} locust/run.sh smoke
