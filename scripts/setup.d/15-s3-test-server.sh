#!/usr/bin/env bash
# A real S3-compatible server for the tests and the scale-out guide: moto's server mode from PyPI, in a
# project-local virtualenv. Only the tests start it (on 127.0.0.1).
set -euo pipefail
MOTO_VERSION=5.2.5
venv=.tools/py
if [ -x "$venv/bin/moto_server" ] && "$venv/bin/python" -c "import moto,sys; sys.exit(moto.__version__!='$MOTO_VERSION')" 2>/dev/null; then
  exit 0
fi
say "installing moto[server]==$MOTO_VERSION into $venv"
python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv (apt-get install -y python3-venv)"
"$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" >/dev/null \
  || die "pip could not install moto[server]==$MOTO_VERSION from PyPI"
