#!/usr/bin/env bash
# Fetches the pinned Netron viewer from PyPI and unpacks the files its ONNX view needs into
# dist/netron/ (the "Open in Netron" webview loads them from there). Nothing of Netron is committed:
# the wheel is cached in .tools/netron-wheel/ (ignored) and fetched only when it is missing.
#
#   bash scripts/fetch-netron.sh          # idempotent: a no-op (no pip) when dist/netron matches the pin and file list
#   bash scripts/fetch-netron.sh --force  # unpack again
# Exits non-zero when the wheel cannot be had (offline without .tools/netron-wheel).
#
# Environment: NETRON_VERSION (default below; change it together with the file list when upgrading).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${NETRON_VERSION:-9.3.3}"
wheel_dir=.tools/netron-wheel
wheel="$wheel_dir/netron-$version-py3-none-any.whl"
out=dist/netron

# What Netron's view needs to open ONNX files (view.js imports these by relative path; onnx.js
# requires onnx-proto/onnx-schema). tflite/tensorrt/rknn/om and their helpers are probed for
# '.onnx' too; keeping them keeps Netron's "unsupported file" messages clean. python.js (1 MB,
# pickle/PyTorch only) is left out: ONNX never reaches it. worker.js too: the host builds its layout
# worker from dagre.js (a worker cannot start from a webview resource URL).
files=(
  index.html grapher.css
  view.js base.js grapher.js dagre.js zip.js tar.js hdf5.js
  onnx.js onnx-proto.js onnx-schema.js onnx-metadata.json
  protobuf.js text.js flatbuffers.js flexbuffers.js json.js xml.js
  tflite.js tflite-schema.js tensorrt.js rknn.js rknn-schema.js om.js om-proto.js
)

# dist/netron/.stamp records what was unpacked: the same pin and file list means nothing to do.
stamp="netron $version: ${files[*]}"
if [ "${1:-}" != "--force" ] && [ -f "$out/view.js" ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

if [ ! -f "$wheel" ]; then
  mkdir -p "$wheel_dir"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps "netron==$version" -d "$wheel_dir"
fi
[ -f "$wheel" ] || { echo "fetch-netron: pip did not produce $wheel" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$wheel" "$tmp" "${files[@]}" <<'PY'
import sys, zipfile
wheel, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    have = set(z.namelist())
    missing = [n for n in names if f"netron/{n}" not in have]
    if missing:
        sys.exit(f"fetch-netron: the wheel lacks {', '.join(missing)}")
    for n in names:
        with open(f"{dest}/{n}", "wb") as f:
            f.write(z.read(f"netron/{n}"))
PY

# Licence and provenance travel with the files (the wheel carries no LICENSE file; its metadata says MIT).
grep -q '^License: MIT' <(unzip -p "$wheel" "netron-$version.dist-info/METADATA") \
  || { echo "fetch-netron: netron $version is no longer declared MIT; check its licence before shipping it" >&2; exit 1; }
cat > "$tmp/NETRON-LICENSE.txt" <<EOF
Netron $version (https://github.com/lutzroeder/netron), from the PyPI package netron==$version
($(basename "$wheel"), sha256 $(sha256sum "$wheel" | cut -d' ' -f1)).
Only the files listed in scripts/fetch-netron.sh are shipped, unmodified.

MIT License

Copyright (c) Lutz Roeder

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
printf '{ "version": "%s" }\n' "$version" > "$tmp/netron-version.json"
printf '%s\n' "$stamp" > "$tmp/.stamp"

# Swap in the new folder whole, so a failed run never leaves a half-filled dist/netron.
chmod 755 "$tmp" && chmod 644 "$tmp"/* "$tmp/.stamp"
rm -rf "$out.new" && mkdir -p "$(dirname "$out")" && cp -r "$tmp" "$out.new"
rm -rf "$out" && mv "$out.new" "$out"
echo "fetch-netron: netron $version -> $out ($(du -sk "$out" | cut -f1) KB, ${#files[@]} files)"
