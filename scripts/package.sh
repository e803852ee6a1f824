#!/usr/bin/env bash
# Builds a minified extension and packages dist/onnx-lab-linux-x64.vsix carrying only linux-x64 binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs --minify
# Native packages go next to the bundles (dist/node_modules), so `require` finds them in the VSIX.
stage=dist/node_modules
rm -rf "$stage"
copy() { mkdir -p "$stage/$(dirname "$1")"; cp -r "node_modules/$1" "$stage/$1"; }
for f in onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/bin/napi-v6/linux/x64 \
         onnxruntime-common/package.json onnxruntime-common/dist/cjs \
         esbuild/package.json esbuild/lib @esbuild/linux-x64/package.json @esbuild/linux-x64/bin; do copy "$f"; done
out=dist/onnx-lab-linux-x64.vsix
rm -f "$out"
# Bundles hold all JS; native packages come in through .vscodeignore, so npm's dependency walk is skipped.
npx --no-install vsce package --no-dependencies --target linux-x64 --allow-missing-repository --skip-license --no-rewrite-relative-links -o "$out" >/dev/null
size=$(stat -c %s "$out")
echo "packaged $out: $((size / 1024 / 1024)) MB ($size bytes), $(unzip -l "$out" | tail -1 | awk '{print $2}') files"
