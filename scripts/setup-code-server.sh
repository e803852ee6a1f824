#!/usr/bin/env bash
# Installs code-server (a real VS Code, served to a browser) into .tools/code-server/
# for the integration tests. Idempotent: a second run only checks and returns.
#
#   bash scripts/setup-code-server.sh          # prints the code-server binary path last
#
# code-server is not a project dependency on purpose: it is ~300 MB, needs node 20
# and special install flags, and only the integration tests use it.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"   # = VS Code 1.100.3, matches engines.vscode ^1.100.0
RIPGREP_VERSION="v13.0.0-10"    # what @vscode/ripgrep 1.15.11 (in code-server 4.100.3) fetches
RIPGREP_PKG_VERSION="1.15.11"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.tools/code-server"
BIN="$DEST/node_modules/code-server/out/node/entry.js"
MARKER="$DEST/.installed-$CODE_SERVER_VERSION"

log() { echo "[setup-code-server] $*" >&2; }
die() { echo "[setup-code-server] ERROR: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi
}

# --- Debian packages: chromium drives the workbench, ripgrep feeds @vscode/ripgrep,
# libkrb5-dev lets the `kerberos` native module of VS Code build.
APT_PKGS=(chromium ripgrep libkrb5-dev)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends "${missing[@]}" \
    || { as_root apt-get update && as_root apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

# --- node 20 is required by code-server 4.100.x (its postinstall refuses others).
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs node 20, found $(node --version)"

verify() {
  # The postinstall builds/unpacks these; if any is missing, scripts did not run.
  local cs="$DEST/node_modules/code-server"
  local vs="$cs/lib/vscode"
  local f argon2
  # argon2 (password hashing; unused with --auth none, but loaded at start) is hoisted.
  argon2="$(cd "$cs" && node -p 'require.resolve("argon2/package.json")' 2>/dev/null)" || argon2=""
  for f in \
    "${argon2%/package.json}/lib/binding/napi-v3/argon2.node" \
    "$vs/node_modules/node-pty/build/Release/pty.node" \
    "$vs/node_modules/@vscode/spdlog/build/Release/spdlog.node" \
    "$vs/node_modules/native-watchdog/build/Release/watchdog.node" \
    "$vs/node_modules/kerberos/build/Release/kerberos.node" \
    "$vs/node_modules/@vscode/ripgrep/bin/rg" \
    "$vs/node_modules.asar" \
    "$vs/extensions/node_modules" \
    "$vs/extensions/ipynb/package.json"; do
    [ -e "$f" ] || { log "missing after install: ${f#"$DEST/"}"; return 1; }
  done
  local v
  # XDG_* to a temp dir: even --version writes a default config.yaml under ~/.config.
  local x
  x="$(mktemp -d)"
  v="$(XDG_CONFIG_HOME="$x/config" XDG_DATA_HOME="$x/data" node "$BIN" --version 2>/dev/null | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
  rm -rf "$x"
  [ "$v" = "$CODE_SERVER_VERSION" ] || { log "code-server --version says '$v'"; return 1; }
}

if [ -f "$MARKER" ] && verify; then
  log "code-server $CODE_SERVER_VERSION already installed in ${DEST#"$ROOT/"}"
  echo "$BIN"
  exit 0
fi

# --- @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable offline).
# It first looks in its cache dir; put Debian's rg there under the expected name.
TMPDIR_NODE="$(node -p 'require("os").tmpdir()')"
RG_CACHE="$TMPDIR_NODE/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
RG_TGZ="$RG_CACHE/ripgrep-$RIPGREP_VERSION-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$RG_TGZ" ]; then
  [ "$(uname -m)" = x86_64 ] || die "ripgrep cache pre-fill only written for x86_64"
  log "pre-filling ripgrep cache from /usr/bin/rg"
  mkdir -p "$RG_CACHE"
  stage="$(mktemp -d)"
  cp /usr/bin/rg "$stage/rg"
  tar -C "$stage" -czf "$RG_TGZ.tmp" rg
  mv "$RG_TGZ.tmp" "$RG_TGZ"
  rm -rf "$stage"
fi

# --- a private npm project so code-server's dependency tree lives apart from ours.
# npm 11 gates dependency install scripts by `allowScripts` in the root package.json
# (11.19 warns and still runs unreviewed ones; later releases block them). So: fetch the
# tree without scripts, approve the reviewed ones by name, then run them.
# code-server's postinstall runs two more `npm install`s (lib/vscode, lib/vscode/extensions),
# each its own root, so their package.json files get the list for their trees too.
# Name-only entries: with omit-lockfile-registry-resolved (set on these machines) npm
# cannot verify a pinned "pkg@1.2.3" entry and never matches it.
TOP_SCRIPTS='{"code-server": true, "argon2": true}'
VSCODE_SCRIPTS='{"@parcel/watcher": true, "@vscode/deviceid": true, "@vscode/ripgrep": true,
  "@vscode/spdlog": true, "@vscode/windows-ca-certs": true, "@vscode/windows-process-tree": true,
  "@vscode/windows-registry": true, "kerberos": true, "native-watchdog": true, "node-pty": true}'
EXT_SCRIPTS='{"@parcel/watcher": true, "esbuild": true}'

# set_allow_scripts FILE JSON: writes JSON as FILE's allowScripts field.
set_allow_scripts() {
  node -e '
    const fs = require("fs");
    const [file, policy] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.allowScripts = JSON.parse(policy);
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$1" "$2"
}

log "installing code-server@$CODE_SERVER_VERSION into ${DEST#"$ROOT/"} (~2 min, ~300 MB)"
rm -f "$MARKER"
mkdir -p "$DEST"
printf '{"name": "onnx-lab-code-server", "private": true, "dependencies": {"code-server": "%s"}}\n' \
  "$CODE_SERVER_VERSION" >"$DEST/package.json"
set_allow_scripts "$DEST/package.json" "$TOP_SCRIPTS"

start=$SECONDS
(
  cd "$DEST" || exit 1  # never fall through to npm in the wrong directory
  [ -f package.json ] && grep -q onnx-lab-code-server package.json || exit 1
  # unsafe_perm: as root, code-server's postinstall refuses to run without it.
  # yes: node-pty's build runs `npx node-gyp`, which would prompt.
  # build_from_source: node-pre-gyp (argon2) and prebuild-install (kerberos) would first
  # try GitHub release downloads; compile locally instead of attempting the network.
  # These env vars are inherited by the nested npm runs in code-server's postinstall.sh.
  export npm_config_yes=true npm_config_unsafe_perm=true npm_config_build_from_source=true
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  npm install --no-package-lock --ignore-scripts
  vs=node_modules/code-server/lib/vscode
  set_allow_scripts "$vs/package.json" "$VSCODE_SCRIPTS"
  set_allow_scripts "$vs/extensions/package.json" "$EXT_SCRIPTS"
  # foreground-scripts: show the builds (and the nested installs) as they run.
  npm rebuild --foreground-scripts
) || die "npm install of code-server failed"
log "npm install took $((SECONDS - start)) s"

verify || die "code-server's install scripts did not all run (see messages above). If npm skipped \
some as unreviewed, add them to the allowScripts lists in this script."

# Smoke start: the server must come up and answer /healthz.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
tmp="$(mktemp -d)"
XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" node "$BIN" --bind-addr "127.0.0.1:$port" --auth none \
  --user-data-dir "$tmp/ud" --extensions-dir "$tmp/ext" --disable-telemetry --disable-update-check \
  >"$tmp/log" 2>&1 &
pid=$!
ok=0
for _ in $(seq 1 60); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$port/healthz"; then ok=1; break; fi
  sleep 0.5
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ "$ok" != 1 ]; then cat "$tmp/log" >&2; rm -rf "$tmp"; die "code-server did not answer /healthz"; fi
rm -rf "$tmp"

touch "$MARKER"
log "code-server $CODE_SERVER_VERSION ready"
echo "$BIN"
