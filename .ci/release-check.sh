#!/usr/bin/env bash
# CI step: deploy/release.sh and deploy/rollback.sh end to end against moto (deploy/test/).
# Runs after .ci/run built target/move-api.jar and started PostgreSQL (TEST_DATABASE_URL); uses its
# own database so the smoke cards never mix with the Maven tests' data.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_DATABASE_URL:?TEST_DATABASE_URL must point at the CI PostgreSQL (set by .ci/run)}"
export DEBIAN_FRONTEND=noninteractive

# jq is the scripts' JSON tool; Debian 12's 1.6 (any security revision) when it is missing.
# Python 3 with venv comes with the machine (pyenv 3.11); the test pins its PyPI packages itself.
if ! command -v jq >/dev/null; then
  apt-get update -qq && apt-get install -y -qq 'jq=1.6-2.1*'
fi

# RELEASE_CHECK_DB: another name when several checkouts share one PostgreSQL server.
db=${RELEASE_CHECK_DB:-release_check}
su postgres -c "dropdb --if-exists $db && createdb $db"
RELEASE_TEST_DATABASE_URL="${TEST_DATABASE_URL%/*}/$db" bash deploy/test/release-rollback.test.sh
