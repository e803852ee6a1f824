#!/usr/bin/env bash
# README's first command: ONNX Lab on the bundled samples, from a fresh machine.
#   bash scripts/demo.sh            inspect + lint the sample model, execute samples/tour.ipynb headless
#   bash scripts/demo.sh --vscode   then serve VS Code (code-server) with the packaged extension and samples/ open
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --node
node scripts/build.mjs
out=test-results/demo
mkdir -p "$out"
model=samples/models/tiny-audio-tagger.onnx
echo; echo "\$ onnx-lab inspect $model"; node dist/cli.js inspect "$model"
echo; echo "\$ onnx-lab lint $model"; node dist/cli.js lint "$model" || true
echo; echo "\$ onnx-lab validate $model samples/models/tiny-audio-tagger.golden"; node dist/cli.js validate "$model" samples/models/tiny-audio-tagger.golden
echo; echo "\$ onnx-lab run samples/tour.ipynb --out $out/tour.executed.ipynb"
node dist/cli.js run samples/tour.ipynb --out "$out/tour.executed.ipynb" --force
if [ "${1:-}" = "--vscode" ]; then
  bash scripts/setup.sh --apt --code-server
  bash scripts/package.sh
  exec bash scripts/serve-vscode.sh
fi
