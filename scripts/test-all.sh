#!/usr/bin/env bash
# The test command of README.md and CI: installs what is missing, type-checks, builds, then runs the
# unit tests (plain Node), the renderer tests (headless Chromium) and the integration tests (real VS Code).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; exit 2; }
logs=$(mktemp -d)
status=0
step() {
  local name=$1; shift
  echo; echo "=== $name: $*"
  "$@" 2>&1 | tee "$logs/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || { echo "=== $name FAILED (exit $rc)"; status=1; }
}
step typecheck npx --no-install tsc -b tsconfig.json
step build node scripts/build.mjs
step unit npx --no-install mocha --config test/unit/.mocharc.json
step renderers npx --no-install mocha --config test/renderers/.mocharc.json
step integration bash scripts/test-integration.sh
passed=$(cat "$logs"/*.log | grep -E '^\s+[0-9]+ passing' | awk '{s+=$1} END {print s+0}')
failed=$(cat "$logs"/*.log | grep -E '^\s+[0-9]+ failing' | awk '{s+=$1} END {print s+0}')
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1  # a failed step with no test counts still fails
echo
echo "$passed passed, $failed failed"
exit $status
