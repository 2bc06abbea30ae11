#!/usr/bin/env bash
# The k6 scripts cannot run here (k6 is AGPL and never installed), so CI checks what it can:
# the scripts type-check against @types/k6, and the decision modules in k6/lib pass their tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "== Debian's nodejs and npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "k6-check: needs Node 18 or newer (node --test), found $(node --version)" >&2
  exit 1
fi

echo "== k6/: npm ci (pinned typescript and @types/k6)"
(cd k6 && timeout 300 npm ci --no-audit --no-fund)

echo "== k6/: tsc type-check"
(cd k6 && timeout 120 npx --no-install tsc -p . --noEmit)

echo "== k6/lib: node --test"
timeout 120 node --test k6/lib/
