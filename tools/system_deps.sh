#!/usr/bin/env bash
# Debian packages the test suite drives for real; installed only when missing (needs root or sudo).
set -euo pipefail
need=()
# chromium: browser tests (ComfyUI's editor, PixiJS, Phaser) drive Debian's build with Playwright;
# godot3-server: headless Godot 3 loads the godot3 export.
packages=(chromium godot3-server)
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "[setup] apt-get install ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
