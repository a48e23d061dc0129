#!/usr/bin/env bash
# The JavaScript atlas consumers the browser tests drive (PixiJS v8, Phaser), installed from the committed
# lock file into tools/js/node_modules (git-ignored); a no-op when they are there already.
set -euo pipefail
cd "$(dirname "$0")/js"
if [ -f node_modules/pixi.js/dist/pixi.min.mjs ] && [ -f node_modules/phaser/dist/phaser.min.js ] \
   && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "[setup] npm is missing: apt-get install npm (or nodejs from nodesource)" >&2; exit 2; }
echo "[setup] npm ci in tools/js"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
