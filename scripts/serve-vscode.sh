#!/usr/bin/env bash
# Serves VS Code (code-server 4.100.3) on 127.0.0.1 with the packaged ONNX Lab installed and samples/ open.
# Its profile lives in .tools/vscode-demo/ (git-ignored), so your own VS Code settings are untouched.
#   bash scripts/serve-vscode.sh [PORT]      (default 8080; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-8080}"
vsix=dist/onnx-lab-linux-x64.vsix
[ -f "$vsix" ] || bash scripts/package.sh
cs=.tools/code-server/node_modules/code-server/out/node/entry.js
[ -f "$cs" ] || bash scripts/setup-code-server.sh >/dev/null
home="$PWD/.tools/vscode-demo"
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" EXTENSIONS_GALLERY='{}' PASSWORD='' HASHED_PASSWORD=''
mkdir -p "$home/user/User"
cat > "$home/user/User/settings.json" <<'JSON'
{ "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "extensions.ignoreRecommendations": true,
  "workbench.startupEditor": "none", "update.mode": "none", "telemetry.telemetryLevel": "off" }
JSON
node "$cs" --user-data-dir "$home/user" --extensions-dir "$home/extensions" --install-extension "$vsix" --force >/dev/null
echo "ONNX Lab in VS Code: http://127.0.0.1:$port/?folder=$PWD/samples   (open tour.ipynb, or any .onnx file)"
exec node "$cs" --bind-addr "127.0.0.1:$port" --auth none --user-data-dir "$home/user" --extensions-dir "$home/extensions" \
  --disable-telemetry --disable-update-check --disable-getting-started-override "$PWD/samples"
