#!/usr/bin/env bash
# A real Temporal server for the scale-out recipe (docs/scale-out.md) and its test: the server and its SQL schema
# tool built from the Go modules at a pinned version (go.temporal.io/server, MIT; the Go module proxy, every
# module checked against go.sum's hashes and the Go checksum database), its PostgreSQL schema files copied from
# the same module, and Debian's PostgreSQL (PostgreSQL licence; the server's visibility store needs its contrib
# extension btree_gin, which the pgserver wheel of 50-knowledge-base.sh lacks). Idempotent: a second run only
# checks the marker. QUARRY_SKIP_TEMPORAL_SERVER=1 skips it (the scale-out test then fails, saying so).
set -euo pipefail
: "${QUARRY_ROOT:=$PWD}"
cd "$QUARRY_ROOT"
type say >/dev/null 2>&1 || say() { printf '[setup] %s\n' "$*"; }
type die >/dev/null 2>&1 || die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
[ "${QUARRY_SKIP_TEMPORAL_SERVER:-}" = 1 ] && { say "skipping the Temporal server build (QUARRY_SKIP_TEMPORAL_SERVER=1)"; exit 0; }

# go.temporal.io/server v1.32 needs Go >= 1.26.10: the go command fetches that toolchain from the module proxy
TEMPORAL_SERVER_VERSION=v1.32.2
GO_TOOLCHAIN=go1.27.3
dest=.tools/temporal-server

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's PostgreSQL (the scale-out recipe's Temporal persistence)"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
      || die "apt-get could not install postgresql; run: sudo apt-get install -y postgresql"
  else
    say "WARNING: the scale-out test needs PostgreSQL. Run: sudo apt-get install -y postgresql"
  fi
fi

marker="$TEMPORAL_SERVER_VERSION $GO_TOOLCHAIN"
if [ -f "$dest/.ok" ] && [ "$(cat "$dest/.ok")" = "$marker" ] && [ -x "$dest/bin/temporal-server" ]; then
  exit 0
fi
command -v go >/dev/null || die "Go is needed to build the Temporal server (go.temporal.io/server@$TEMPORAL_SERVER_VERSION); install Go, or set QUARRY_SKIP_TEMPORAL_SERVER=1"
say "building the Temporal server $TEMPORAL_SERVER_VERSION from the Go module proxy (a few minutes, once)"
rm -rf "$dest"
mkdir -p "$dest/bin"
work=$(mktemp -d)
export GOTOOLCHAIN=$GO_TOOLCHAIN
GOBIN="$work" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
  "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" \
  || die "could not build go.temporal.io/server@$TEMPORAL_SERVER_VERSION"
mv "$work/server" "$dest/bin/temporal-server"
mv "$work/sql" "$dest/bin/temporal-sql-tool"
module=$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION
mkdir -p "$dest/schema"
cp -R "$module/schema/postgresql" "$dest/schema/"
chmod -R u+w "$dest/schema"
rm -rf "$work"
"$dest/bin/temporal-server" --version | grep -q "${TEMPORAL_SERVER_VERSION#v}" || die "the built Temporal server does not report $TEMPORAL_SERVER_VERSION"
echo "$marker" > "$dest/.ok"
say "Temporal server $TEMPORAL_SERVER_VERSION in $dest"
