#!/usr/bin/env bash
# Lints the CloudFormation templates with the pinned cfn-lint (.ci/cfn-lint-requirements.txt) from
# a virtualenv in target/cfn-lint-venv; any finding fails. Usage: bash .ci/cfn-lint.sh [TEMPLATE...]
# (default: deploy/*.yaml). Needs python3 with venv; installs Debian's python3-venv when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [ $# -gt 0 ]; then
  templates=("$@")
else
  templates=(deploy/*.yaml)
fi
for template in "${templates[@]}"; do
  [ -f "$template" ] || { echo "cfn-lint.sh: no such template: $template" >&2; exit 2; }
done

if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  echo "== python3-venv (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi

venv=target/cfn-lint-venv
[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
# --timeout bounds each network read, so a stalled index cannot hang CI.
"$venv/bin/pip" install -q --disable-pip-version-check --timeout 60 -r .ci/cfn-lint-requirements.txt

echo "== cfn-lint $("$venv/bin/cfn-lint" --version | awk '{print $2}') on ${templates[*]}"
"$venv/bin/cfn-lint" "${templates[@]}"
echo "ok: no cfn-lint findings"
