# assetgen: `make demo` runs the whole loop, `make test` the full suite. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export ASSETGEN_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/assetgen
# onnxruntime otherwise tries to reach a telemetry host.
export ORT_DISABLE_TELEMETRY := 1

.PHONY: setup venv runtime system-deps js-deps demo test test-fast lint format schemas schemas-check example-workflows bench bench-pack clean

setup: venv runtime system-deps js-deps

# The project venv; rebuilt when pyproject.toml changes.
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11) on PATH" >&2; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# ComfyUI runtime, demo models and the rembg model, cached in $(ASSETGEN_CACHE_DIR).
runtime: venv
	$(PY) tools/setup_env.py

# Debian packages the browser and engine tests drive (installed once; a no-op when present).
system-deps:
	@bash tools/system_deps.sh

# PixiJS and Phaser for the browser tests, from tools/js/package-lock.json.
js-deps:
	@bash tools/setup_js.sh

demo: setup
	$(PY) -m orchestrator.cli demo

test: setup
	$(PY) tools/gen_schemas.py --check
	$(PY) tools/build_example_workflows.py --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=custom_nodes:. $(VENV)/bin/lint-imports
	$(PY) -m pytest

# Only what the venv alone provides: no ComfyUI runtime, no Debian packages, no cached models.
TEST_FAST_MARKERS := not comfy and not browser and not runtime
test-fast: venv
	$(PY) -m pytest -m "$(TEST_FAST_MARKERS)"

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	PYTHONPATH=custom_nodes:. $(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

schemas: venv
	$(PY) tools/gen_schemas.py

# The node pack's ComfyUI templates (example_workflows/), generated from workflows/ui.
example-workflows: venv
	$(PY) tools/build_example_workflows.py

# Every benchmark script (tools/bench_*.py) rewrites its own section of BENCHMARKS.md.
bench: setup
	$(PY) tools/bench.py

bench-pack: venv
	$(PY) tools/bench_pack.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts data/runtime
