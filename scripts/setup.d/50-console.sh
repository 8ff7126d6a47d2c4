#!/usr/bin/env bash
# The web console: its front-end (Preact, built by Vite from npm packages, no CDN) is built into console/dist/,
# which the API serves under /console/; rebuilt only when a source is newer than the build. The browser tests
# drive Debian's Chromium (apt `chromium`) through playwright-core, never a browser download of its own.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (the console's browser tests)"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
      || die "apt-get could not install chromium; run: sudo apt-get install -y chromium"
  else
    say "WARNING: the console's browser tests need Chromium. Run: sudo apt-get install -y chromium"
  fi
fi
stamp=console/dist/index.html
if [ ! -f "$stamp" ] || [ -n "$(find console/src console/index.html console/vite.config.ts package-lock.json -newer "$stamp" -print -quit)" ]; then
  say "building the web console (console/dist/)"
  npx --no-install vite build --config console/vite.config.ts
fi
