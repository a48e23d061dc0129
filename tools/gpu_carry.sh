#!/usr/bin/env bash
# Prepare, on a machine with network and `make setup` done, what tools/gpu_check.sh needs on an offline
# GPU host (Python 3.12 with a CUDA torch, no registry): wheels the host lacks and ComfyUI's source.
#
#   tools/gpu_carry.sh [DEST]     (default <repo>/.gpu-carry, about 31 MB: under a 64 MiB transfer limit)
#
# PyAV (~40 MB) is left out on purpose: gpu_check.sh uses tools/gpu_stubs/av instead. Add wheels to
# DEST/whl for anything else the host lacks (one version of each).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$REPO/.gpu-carry}
PY=${PYTHON:-python3}
CACHE=${ASSETGEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/assetgen}
mkdir -p "$DEST/whl"
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  -d "$DEST/whl" \
  pydantic==2.12.5 pydantic-core==2.41.5 annotated-types==0.7.0 typing-inspection==0.4.2 \
  pydantic-settings==2.12.0 python-dotenv==1.2.1 watchdog==6.0.0 torchsde==0.2.6 trampoline==0.1.2 \
  kornia==0.8.2 kornia-rs==0.1.10 spandrel==0.4.1 alembic==1.17.2 SQLAlchemy==2.0.44 Mako==1.3.10 \
  transformers==4.57.3 tokenizers==0.22.1 huggingface-hub==0.36.0
tar --exclude='__pycache__' --exclude='ComfyUI/user' --exclude='ComfyUI/output' --exclude='ComfyUI/input' \
  --exclude='ComfyUI/temp' --exclude='ComfyUI/tests' --exclude='ComfyUI/tests-unit' \
  -cJf "$DEST/comfyui-0.3.75.txz" -C "$CACHE/comfyui-0.3.75" ComfyUI
du -sh "$DEST"
