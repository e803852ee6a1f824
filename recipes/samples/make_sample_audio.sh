#!/usr/bin/env bash
# Makes samples/audio/: speech from Debian's espeak-ng (GPL voice data, generated output is ours),
# 16 kHz mono 16-bit. Run: bash recipes/samples/make_sample_audio.sh (needs espeak-ng and sox).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=samples/audio
mkdir -p "$out"
espeak-ng -v en-us -s 150 -w /tmp/onnx-lab-sample.wav "Yes. ONNX Lab reads audio, computes features, and runs models. No problem."
sox /tmp/onnx-lab-sample.wav -r 16000 -c 1 -b 16 "$out/speech-16k.wav"
rm -f /tmp/onnx-lab-sample.wav
soxi "$out/speech-16k.wav" | grep -E "Sample Rate|Duration"
