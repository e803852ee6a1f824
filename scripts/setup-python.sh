#!/usr/bin/env bash
# Creates recipes/.venv (git-ignored) with the pinned Python side. Idempotent: a stamp records what was installed.
# Usage: scripts/setup-python.sh [--torch]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=recipes/.venv
want="$(cat recipes/requirements.txt)"
[ "${1:-}" = "--torch" ] && want="$want$(cat recipes/requirements-torch.txt)"
stamp="$venv/.onnx-lab-stamp"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r recipes/requirements.txt
if [ "${1:-}" = "--torch" ]; then "$venv/bin/python" -m pip install -q --disable-pip-version-check -r recipes/requirements-torch.txt; fi
printf '%s' "$want" > "$stamp"
