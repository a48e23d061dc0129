#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and this project checked out, set up what is missing
# (offline first), start the managed ComfyUI on CUDA, run `generate --wait`, run the benchmarks, and
# write their BENCHMARKS.md sections marked with the GPU's name. One unattended run of a few minutes.
#
#   tools/gpu_check.sh [CARRY_DIR]        (CARRY_DIR default: $ASSETGEN_GPU_CARRY or <repo>/.gpu-carry)
#
# CARRY_DIR (all optional; what is missing is taken from the host or, when online, from the registry):
#   whl/*.whl               Python wheels the host lacks (pydantic, watchdog, ComfyUI's requirements ...),
#                           installed with pip --no-index --no-deps into a private folder on PYTHONPATH
#   comfyui-0.3.75.txz      ComfyUI's source (tar of the ComfyUI/ folder that `make setup` unpacks)
# Uses the host's python3 and its CUDA torch (COMFYUI_PYTHON); PyAV, when absent, is replaced by the
# stand-in in tools/gpu_stubs (no video nodes); the web frontend is left out (--front-end-root).
# Environment: OUT (copy BENCHMARKS.md and logs there), ASSETGEN_GPU_WORK (scratch, default /tmp/assetgen-gpu),
# GPU_CHECK_REQUESTS (default 40), GPU_CHECK_JOBS (dispatch jobs, default 400).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CARRY=${1:-${ASSETGEN_GPU_CARRY:-$REPO/.gpu-carry}}
WORK=${ASSETGEN_GPU_WORK:-/tmp/assetgen-gpu}
OUT=${OUT:-$WORK/out}
PY=${PYTHON:-python3}
REQUESTS=${GPU_CHECK_REQUESTS:-40}
JOBS=${GPU_CHECK_JOBS:-400}
export PYTHONUNBUFFERED=1 ORT_DISABLE_TELEMETRY=1
mkdir -p "$WORK" "$OUT"
cd "$REPO"
say() { printf '[gpu_check %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if ! nvidia-smi -L; then
  echo "gpu_check: no NVIDIA GPU answers nvidia-smi -L; nothing to check" >&2
  exit 2
fi

# 1. Python packages the host lacks.
SITE=$WORK/site
mkdir -p "$SITE"
if compgen -G "$CARRY/whl/*.whl" >/dev/null; then
  say "installing $(ls "$CARRY"/whl/*.whl | wc -l) carried wheels into $SITE"
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" "$CARRY"/whl/*.whl
fi
export PYTHONPATH="$SITE:$REPO/custom_nodes:$REPO${PYTHONPATH:+:$PYTHONPATH}"
if ! "$PY" -c "import av" 2>/dev/null; then
  say "PyAV missing: using the stand-in (no video nodes)"
  cp -r "$REPO/tools/gpu_stubs/av" "$SITE/"
fi
"$PY" -c "import torch, pydantic, aiohttp; c = torch.cuda.is_available(); print('torch', torch.__version__, 'cuda:', c, torch.cuda.get_device_name(0) if c else '')"

# 2. ComfyUI's source.
if [ -z "${COMFYUI_DIR:-}" ]; then
  if [ -f "$CARRY/comfyui-0.3.75.txz" ]; then
    tar -xJf "$CARRY/comfyui-0.3.75.txz" -C "$WORK"
    export COMFYUI_DIR=$WORK/ComfyUI
  else
    export COMFYUI_DIR=$("$PY" tools/setup_env.py runtime >/dev/null && "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['comfyui'])" "${ASSETGEN_CACHE_DIR:-$HOME/.cache/assetgen}/layout.json")
  fi
fi
export COMFYUI_PYTHON=${COMFYUI_PYTHON:-$(command -v "$PY")}
if ! "$PY" -c "import comfyui_frontend_package" 2>/dev/null; then
  mkdir -p "$WORK/frontend"
  export ASSETGEN_COMFYUI_ARGS="${ASSETGEN_COMFYUI_ARGS:-} --front-end-root $WORK/frontend"
fi

# 3. The demo models (built, never downloaded).
export ASSETGEN_CACHE_DIR=$WORK/cache
if [ ! -f "$ASSETGEN_CACHE_DIR/models/checkpoints/ckpt_sd15_demo.safetensors" ]; then
  say "building the demo models"
  "$PY" tools/make_demo_models.py --comfyui "$COMFYUI_DIR" --out "$ASSETGEN_CACHE_DIR/models"
fi

# 4. generate --wait on a copy of the demo project, on the managed ComfyUI.
DATA=$WORK/data
rm -rf "$DATA" && mkdir -p "$DATA/projects" && cp -r data/projects/demo "$DATA/projects/demo"
cli() { "$PY" -m orchestrator.cli --data-dir "$DATA" "$@"; }
say "comfy start"
cli comfy start --timeout 300
cli comfy status | tee "$OUT/comfy_status.txt"
say "generate --wait"
cli generate demo potion_icon --variants 4 --wait --keep-comfy
cli comfy stop
cp "$DATA/runtime/comfyui/comfyui.log" "$OUT/comfyui_generate.log" 2>/dev/null || true
# The cache-friendly graph: the text encoder is loaded once per spec, not once per prompt.
say "SD1ClipModel loads while generating 4 variants: $(grep -c 'Requested to load SD1ClipModel' "$OUT/comfyui_generate.log" || true)"

# 5. The benchmarks (each starts its own managed ComfyUI and writes its section, named for the GPU).
# One failing benchmark does not stop the other; the exit code says whether both ran.
status=0
say "bench_orchestrator --requests $REQUESTS"
"$PY" tools/bench_orchestrator.py --requests "$REQUESTS" --concurrency "${GPU_CHECK_CONCURRENCY:-2,4}" \
  >"$OUT/bench_orchestrator.txt" 2>&1 || status=1
tail -n 25 "$OUT/bench_orchestrator.txt"
say "bench_dispatch --jobs $JOBS"
"$PY" tools/bench_dispatch.py --jobs "$JOBS" --concurrency "${GPU_CHECK_DISPATCH_CONCURRENCY:-8,16}" \
  >"$OUT/bench_dispatch.txt" 2>&1 || status=1
tail -n 20 "$OUT/bench_dispatch.txt"
cp BENCHMARKS.md "$OUT/BENCHMARKS.md"
say "done (status $status): $OUT/BENCHMARKS.md"
exit $status
