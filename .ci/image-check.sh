#!/usr/bin/env bash
# Proves the container image's runtime stage without a Docker engine: lints the Dockerfile, builds
# the image's jar with the build stage's own `mvn … package` line (no embedded PostgreSQL: its size
# beside the developer's jar, and no zonky entry in it), lays out what the runtime stage copies, and
# runs its ENTRYPOINT and HEALTHCHECK with its ENV as its numeric USER, all read from the Dockerfile
# by deploy/image/runtime_stage.py (one source of truth).
# What it cannot prove (the base image, `docker build` itself) is listed in docs/deploy-reference.md ("Container image").
#
# Usage: TEST_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/moveapi_test .ci/image-check.sh
# Needs target/move-api.jar (mvn -B -DskipTests package), Maven, and runs as root (it switches to the
# image's uid with setpriv, and creates a database <test database>_image_check on TEST_DATABASE_URL's server
# with `su postgres -c createdb`). IMAGE_CHECK_PORT (default 18084) is the port the service uses.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${IMAGE_CHECK_PORT:-18084}
version=1.0.0-image-check
git_sha=$(git rev-parse HEAD 2>/dev/null || echo unknown)
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok: $*"; }

[ -n "${TEST_DATABASE_URL:-}" ] || fail "TEST_DATABASE_URL is not set (usage: TEST_DATABASE_URL=postgresql://… $0)"
db_name="${TEST_DATABASE_URL##*/}_image_check" # named after the test database, so two checkouts do not share it
[ "$(id -u)" = 0 ] || fail "run as root: the check switches to the image's uid"
[ -f target/move-api.jar ] || fail "target/move-api.jar is missing: run mvn -B -DskipTests package first"
missing=()
for tool in openssl curl npm; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Each is a Debian package of the same name (npm pulls in nodejs).
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
for tool in python3 setpriv; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

stage() { python3 deploy/image/runtime_stage.py Dockerfile --build-arg VERSION="$version" --build-arg GIT_SHA="$git_sha" "$@"; }

echo "== Lint the Dockerfile (dockerfile-utils, pinned in deploy/image/package-lock.json)"
(cd deploy/image && timeout 120 npm ci --no-audit --no-fund --silent)
diagnostics=$(deploy/image/node_modules/.bin/dockerfile-utils lint --json Dockerfile || true)
[ "$diagnostics" = "[]" ] || fail "dockerfile-utils lint: $diagnostics"
ok "dockerfile-utils finds no error or warning"
# Parse once in the foreground: a refusal there stops the check (a failure inside < <(…) would not).
stage base-images >/dev/null || fail "the Dockerfile's runtime stage is not in the form this check reads"
mapfile -d '' bases < <(stage base-images)
for base in "${bases[@]}"; do
  [[ "$base" =~ :[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "base image $base is not pinned to a full version tag"
done
ok "base images pinned to full version tags: ${bases[*]}"

echo "== Build the image's jar as the build stage does, without the embedded PostgreSQL"
build=$(sed -n 's/^RUN \(mvn [^&;|]* package\)$/\1/p' Dockerfile)
[ "$(wc -l <<<"$build")" = 1 ] && [ -n "$build" ] || fail "the build stage needs exactly one 'RUN mvn … package' line, found: '$build'"
$build # its words, as the Dockerfile's exec of /bin/sh -c would split them (no quotes in it)
mapfile -d '' copies < <(stage copies)
image_jar=${copies[0]}
# Entries of zonky's classes, its .txz binaries and the libraries only zonky uses to unpack them.
embedded_entries() {
  python3 - "$1" <<'EOF_PY'
import sys, zipfile
prefixes = ("io/zonky/", "org/tukaani/", "org/apache/commons/compress/", "org/apache/commons/io/", "org/apache/commons/lang3/")
print(sum(1 for name in zipfile.ZipFile(sys.argv[1]).namelist() if name.startswith(prefixes) or name.endswith(".txz")))
EOF_PY
}
developer_entries=$(embedded_entries target/move-api.jar)
image_entries=$(embedded_entries "$image_jar")
[ "$developer_entries" -gt 0 ] || fail "target/move-api.jar has no embedded PostgreSQL entries: the check below would prove nothing"
[ "$image_entries" = 0 ] || fail "$image_jar still has $image_entries entries of the embedded PostgreSQL"
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
ok "jar sizes: developer target/move-api.jar $(mib target/move-api.jar) ($developer_entries embedded-PostgreSQL entries), image $image_jar $(mib "$image_jar") (none)"

echo "== Lay out the runtime stage"
root=$(mktemp -d /tmp/move-api-image.XXXXXX)
chmod 755 "$root"
work=$(mktemp -d /tmp/move-api-image-check.XXXXXX)
source .ci/lib/service.sh
cleanup() {
  service_stop 10
  su postgres -c "dropdb --if-exists $db_name" >/dev/null 2>&1 || true
  rm -rf "$root" "$work"
}
trap cleanup EXIT
destinations=()
for ((i = 0; i < ${#copies[@]}; i += 2)); do
  source=${copies[i]} destination=${copies[i + 1]}
  [ -f "$source" ] || fail "the runtime stage copies $source, which the build did not produce"
  mkdir -p "$root$(dirname "$destination")"
  cp "$source" "$root$destination"
  chmod 644 "$root$destination"
  destinations+=("$destination")
done
workdir=$(stage workdir)
mkdir -p "$root$workdir"
ok "runtime layout in $root: ${destinations[*]}"

IFS=: read -r uid gid < <(stage user)
[ "$uid" != 0 ] || fail "USER is root"
getent group "$gid" >/dev/null || groupadd --gid "$gid" moveapi-image
getent passwd "$uid" >/dev/null || useradd --uid "$uid" --gid "$gid" --home-dir /nonexistent --no-create-home \
  --shell /usr/sbin/nologin moveapi-image
ok "runs as uid $uid gid $gid ($(getent passwd "$uid" | cut -d: -f1)), not root"

mapfile -d '' image_env < <(stage env)
java_bin=$(dirname "$(readlink -f "$(command -v java)")")

# Runs an exec-form command of the image: its ENV plus the given VAR=value words, as its USER, in
# its WORKDIR, with the COPY destinations found in the laid-out root (Docker adds only PATH and HOME).
run_as_image() {
  local extra_env=() argv=() arg
  while [ "$1" != "--" ]; do extra_env+=("$1"); shift; done
  shift
  for arg in "$@"; do
    if [[ " ${destinations[*]} " == *" $arg "* ]]; then argv+=("$root$arg"); else argv+=("$arg"); fi
  done
  cd "$root$workdir"
  exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
    env -i PATH="$java_bin:/usr/bin:/bin" HOME="$workdir" "${image_env[@]}" "${extra_env[@]}" "${argv[@]}"
}
mapfile -d '' entrypoint < <(stage entrypoint)
mapfile -d '' healthcheck < <(stage healthcheck-cmd)
healthcheck_timeout=$(stage healthcheck-options | tr '\0' '\n' | sed -n 's/^--timeout=\([0-9]*\)s$/\1/p')
[ -n "$healthcheck_timeout" ] || fail "HEALTHCHECK needs --timeout=Ns"

echo "== 1. Without a database it refuses at once"
start_ms=$(date +%s%3N)
set +e
(run_as_image -- "${entrypoint[@]}") >"$work/no-db.out" 2>"$work/no-db.err" </dev/null &
no_db=$!
for _ in $(seq 1 200); do kill -0 "$no_db" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$no_db" 2>/dev/null
wait "$no_db"
status=$?
set -e
elapsed_ms=$(($(date +%s%3N) - start_ms))
[ "$status" = 2 ] || fail "without DATABASE_URL the entrypoint exited $status after ${elapsed_ms} ms (want 2): $(cat "$work/no-db.err")"
[ "$elapsed_ms" -le 10000 ] || fail "the refusal took ${elapsed_ms} ms"
grep -qxF "Configuration error: EMBEDDED_DATABASE=forbid needs a database: set DATABASE_URL (postgresql://user:password@host:5432/database) or PGHOST" \
  "$work/no-db.err" || fail "unclear refusal: $(cat "$work/no-db.err")"
ok "without DATABASE_URL: exit 2 in ${elapsed_ms} ms with '$(cat "$work/no-db.err")'"

set +e
no_embedded=$(run_as_image EMBEDDED_DATABASE=allow AUTH_MODE=none -- "${entrypoint[@]}" 2>&1 >/dev/null </dev/null)
status=$?
set -e
[ "$status" = 1 ] && [ "$no_embedded" = "This build of the service has no embedded PostgreSQL (the container image's jar leaves it out), so set DATABASE_URL (postgresql://user:password@host:5432/database) or PGHOST." ] \
  || fail "with EMBEDDED_DATABASE=allow and no database: exit $status, '$no_embedded'"
ok "EMBEDDED_DATABASE=allow without a database: exit 1 with '$no_embedded'"

su postgres -c "dropdb --if-exists $db_name 2>/dev/null; createdb $db_name"
database_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
  "$TEST_DATABASE_URL" "$db_name")

set +e
jwt_refusal=$(run_as_image DATABASE_URL="$database_url" -- "${entrypoint[@]}" 2>&1 >/dev/null </dev/null)
status=$?
set -e
[ "$status" = 2 ] && [ "$jwt_refusal" = "Configuration error: AUTH_MODE=jwt needs JWT_JWKS_URL or JWT_PUBLIC_KEY" ] \
  || fail "with a database but no JWT settings: exit $status, '$jwt_refusal'"
ok "AUTH_MODE=jwt by default: without JWT settings exit 2 with '$jwt_refusal'"

echo "== 2. With a database and JWT settings it serves"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/pub.pem"
service_env=(DATABASE_URL="$database_url" PORT="$port" JWT_PUBLIC_KEY="$(cat "$work/pub.pem")"
  JWT_ISSUER=image-check JWT_AUDIENCE=move-api)
service_start run_as_image "${service_env[@]}" -- "${entrypoint[@]}" >"$work/service.out" 2>"$work/service.err"
service_await_ready "http://127.0.0.1:$port" 60 || fail "$(tail -5 "$work/service.err" "$work/service.out")"
running_uid=$(stat -c %u "/proc/$SERVICE_PID")
[ "$running_uid" = "$uid" ] || fail "the service runs as uid $running_uid, not $uid"
ok "ready on port $port as uid $running_uid"

health_start_ms=$(date +%s%3N)
(run_as_image "${service_env[@]}" -- "${healthcheck[@]}") </dev/null || fail "the HEALTHCHECK command failed against a ready service"
health_ms=$(($(date +%s%3N) - health_start_ms))
[ "$health_ms" -lt $((healthcheck_timeout * 1000)) ] || fail "the HEALTHCHECK took ${health_ms} ms, over its ${healthcheck_timeout}s timeout"
ok "HEALTHCHECK command exits 0 in ${health_ms} ms (timeout ${healthcheck_timeout}s)"

status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/admin/appointments/board")
[ "$status" = 401 ] || fail "an unauthenticated admin call answered $status, not 401"
token=$(java -jar target/move-api.jar mint-token --private-key "$work/key.pem" --iss image-check --aud move-api --role advisor --ttl 300)
status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/admin/appointments/board")
[ "$status" = 200 ] || fail "an admin call with a valid token answered $status, not 200"
ok "admin API: 401 without a token, 200 with one"

healthz=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/healthz")
reported=$(echo "$healthz" | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["version"])')
mapfile -d '' labels < <(stage labels)
[ "$reported" = "$version" ] || fail "/healthz reports version '$reported', the build arg was '$version'"
printf '%s\n' "${labels[@]}" | grep -qxF "org.opencontainers.image.version=$version" || fail "no version label $version"
printf '%s\n' "${labels[@]}" | grep -qxF "org.opencontainers.image.revision=$git_sha" || fail "no revision label $git_sha"
ok "/healthz version, image.version label and build arg VERSION agree ($version); image.revision is $git_sha"

echo "== 3. SIGTERM drains and exits 0"
kill -TERM "$SERVICE_PID"
term_at_ms=$(date +%s%3N)
sleep 0.3
status=$(curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
[ "$status" = 503 ] || fail "/readyz answered $status while draining, not 503"
# With nothing in flight the stop takes SHUTDOWN_DRAIN_MS (3 s) and a little; allow Docker's default stop grace, 10 s.
for _ in $(seq 1 100); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVICE_PID" 2>/dev/null && fail "still running 10 s after SIGTERM"
set +e
wait "$SERVICE_PID"
status=$?
set -e
SERVICE_PID=
stop_ms=$(($(date +%s%3N) - term_at_ms))
[ "$status" = 0 ] || fail "exit status $status after SIGTERM, not 0: $(tail -3 "$work/service.out")"
grep -q '"formattedMessage":"Shutdown complete"' "$work/service.out" || fail "no 'Shutdown complete' in the log"
ok "SIGTERM: /readyz 503 while draining, exit 0 after ${stop_ms} ms"

set +e
(run_as_image "${service_env[@]}" -- "${healthcheck[@]}") </dev/null 2>/dev/null
status=$?
set -e
[ "$status" = 1 ] || fail "the HEALTHCHECK command exited $status with the service stopped, not 1"
ok "HEALTHCHECK command exits 1 once the service is gone"

python3 - "$work/service.out" <<'EOF' || fail "the log is not JSON lines"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no log lines"
for line in lines:
    json.loads(line)
assert any("listening" in json.loads(l).get("formattedMessage", "") for l in lines), "no start-up line"
EOF
[ ! -s "$work/service.err" ] || fail "the service wrote to stderr: $(head -3 "$work/service.err")"
ok "log: $(wc -l <"$work/service.out") lines on stdout, every one JSON; stderr empty"

echo "image-check: all $checks checks passed"
