#!/usr/bin/env bash
# Integration tests in a real VS Code (code-server 4.100.3 + headless Chromium):
# installs code-server if needed, packages the VSIX, bundles the suite, runs it.
#
#   bash scripts/test-integration.sh [run.ts options, e.g. --workspace DIR --timeout 900]
#
# Environment:
#   ONNX_LAB_IT_VSIX=path.vsix   test this VSIX instead of packaging one (skips `npm run package`)
#   ONNX_LAB_IT_GREP=pattern     run only the tests whose full title matches
# Artifacts (screenshots, logs) go to test-results/integration/ unless --artifacts is given.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-code-server.sh >/dev/null

if [ -n "${ONNX_LAB_IT_VSIX:-}" ]; then
  vsix="$ONNX_LAB_IT_VSIX"
else
  npm run --silent package
  vsix="dist/onnx-lab-linux-x64.vsix"
fi
[ -f "$vsix" ] || { echo "test-integration: no VSIX at $vsix" >&2; exit 2; }

node test/integration/build.mjs

run() { node --import tsx test/integration/run.ts --vsix "$vsix" --tests out/test/integration/suite/index.js "$@"; }
if [ -n "${ONNX_LAB_IT_GREP:-}" ]; then
  ws=$(mktemp -d)
  cp -r samples/. "$ws/"
  run --workspace "$ws" "$@"
  status=$?
  rm -rf "$ws"
  exit $status
fi
# Two passes: everything else with the workspace trusted, then Restricted Mode in an untrusted folder.
# Each pass opens its own copy of samples/ as the workspace folder.
status=0
trusted=$(mktemp -d)
untrusted=$(mktemp -d)
trap 'rm -rf "$trusted" "$untrusted"' EXIT
cp -r samples/. "$trusted/"
cp -r samples/. "$untrusted/"
ONNX_LAB_IT_GREP='Restricted Mode' ONNX_LAB_IT_GREP_INVERT=1 run --workspace "$trusted" "$@" || status=$?
ONNX_LAB_IT_GREP='Restricted Mode' run --untrusted --workspace "$untrusted" --artifacts test-results/integration-restricted "$@" || status=$?
exit $status
