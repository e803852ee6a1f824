#!/usr/bin/env bash
# Installs everything ONNX Lab needs on a fresh Debian machine, from the registries only. Idempotent:
# a second run checks and returns. Parts: --node (npm ci), --apt, --python, --code-server; default: all.
set -euo pipefail
cd "$(dirname "$0")/.."
parts="${*:-"--apt --node --python --code-server"}"
has() { [[ " $parts " == *" $1 "* ]]; }
log() { echo "[setup] $*" >&2; }

if has --apt; then
  # chromium: renderer and integration tests; espeak-ng/sox: speech samples; libonnx-testdata: real ONNX test models.
  pkgs=(chromium ripgrep libkrb5-dev espeak-ng sox libonnx-testdata unzip)
  missing=()
  for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if has --node; then
  # onnxruntime-node's postinstall would fetch a CUDA add-on from outside the npm registry.
  export ONNXRUNTIME_NODE_INSTALL=skip
  stamp=node_modules/.onnx-lab-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi

if has --python; then
  log "python venv (recipes/.venv)"
  bash scripts/setup-python.sh
fi

if has --code-server; then
  bash scripts/setup-code-server.sh >/dev/null
fi
