"""Settings read once from the environment at an edge (CLI, server, node pack) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assetgen.errors import InvalidInput

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """``ASSETGEN_CACHE_DIR`` or ``${XDG_CACHE_HOME:-~/.cache}/assetgen`` (the set-up cache)."""
    if env.get("ASSETGEN_CACHE_DIR"):
        return Path(env["ASSETGEN_CACHE_DIR"]).expanduser().resolve()
    xdg = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(xdg).expanduser() / "assetgen").resolve()


class Settings(BaseModel):
    """Everything assetgen takes from its environment."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Field(
        description="Data root holding projects/ (ASSETGEN_DATA_DIR, default <repo>/data)."
    )
    cache_dir: Path = Field(description="Set-up cache: ComfyUI runtime, demo models, rembg models.")
    comfyui_urls: tuple[str, ...] = Field(default=(), description="COMFYUI_URL, comma-separated pool.")
    comfyui_pool_file: Path | None = Field(
        default=None,
        description="COMFYUI_POOL_FILE: YAML/JSON list of backends (url, weight, maxQueue, drain), re-read on change.",
    )
    comfyui_dir: Path | None = Field(default=None, description="COMFYUI_DIR: an existing ComfyUI to manage.")
    comfyui_python: Path | None = Field(default=None, description="COMFYUI_PYTHON: the python that runs it.")
    models_dir: Path | None = Field(
        default=None, description="ASSETGEN_MODELS_DIR: your own checkpoints/ and loras/."
    )
    comfyui_args: tuple[str, ...] = Field(
        default=(), description="ASSETGEN_COMFYUI_ARGS: extra ComfyUI flags."
    )
    rembg_home: Path | None = Field(
        default=None,
        description="ASSETGEN_REMBG_HOME: rembg models as models/<name>/<name>.onnx (default <cache_dir>/rembg).",
    )
    rembg_model: str = Field(
        default="u2netp", description="ASSETGEN_REMBG_MODEL: model name or .onnx path for auto/rembg."
    )

    worker_project_concurrency: int = Field(
        default=1, description="ASSETGEN_WORKER_PROJECT_CONCURRENCY: running jobs per project, all workers."
    )
    worker_project_lock_ttl_ms: int = Field(
        default=30000, description="ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS: a running job's lease (ms)."
    )
    api_token: str | None = Field(
        default=None, repr=False, description="ASSETGEN_API_TOKEN: the bearer token of `assetgen serve`."
    )
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="ASSETGEN_ALLOWED_HOSTS: more Host names `assetgen serve` answers (comma-separated).",
    )
    allow_origins: tuple[str, ...] = Field(
        default=(),
        description="ASSETGEN_ALLOW_ORIGINS: other origins `assetgen serve` accepts (comma-separated).",
    )

    def rembg_dir(self) -> Path:
        """The rembg home: ``rembg_home`` or ``<cache_dir>/rembg`` (where set-up puts u2netp)."""
        return self.rembg_home or self.cache_dir / "rembg"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, data_dir: Path | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``); ``data_dir`` overrides ASSETGEN_DATA_DIR."""
        env = os.environ if env is None else env
        data = data_dir or Path(env.get("ASSETGEN_DATA_DIR") or REPO_DIR / "data")
        urls = tuple(u.strip().rstrip("/") for u in env.get("COMFYUI_URL", "").split(",") if u.strip())
        return cls(
            data_dir=Path(data).expanduser().resolve(),
            cache_dir=default_cache_dir(env),
            comfyui_urls=urls,
            comfyui_pool_file=Path(env["COMFYUI_POOL_FILE"]).expanduser().resolve()
            if env.get("COMFYUI_POOL_FILE")
            else None,
            comfyui_dir=Path(env["COMFYUI_DIR"]).expanduser().resolve() if env.get("COMFYUI_DIR") else None,
            comfyui_python=Path(env["COMFYUI_PYTHON"]).expanduser() if env.get("COMFYUI_PYTHON") else None,
            models_dir=Path(env["ASSETGEN_MODELS_DIR"]).expanduser().resolve()
            if env.get("ASSETGEN_MODELS_DIR")
            else None,
            comfyui_args=tuple(env.get("ASSETGEN_COMFYUI_ARGS", "").split()),
            rembg_home=Path(env["ASSETGEN_REMBG_HOME"]).expanduser().resolve()
            if env.get("ASSETGEN_REMBG_HOME")
            else None,
            rembg_model=env.get("ASSETGEN_REMBG_MODEL") or "u2netp",
            worker_project_concurrency=_int_from_env(env, "ASSETGEN_WORKER_PROJECT_CONCURRENCY", 1),
            worker_project_lock_ttl_ms=_int_from_env(env, "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS", 30000),
            api_token=env.get("ASSETGEN_API_TOKEN", "").strip() or None,
            allowed_hosts=_listed(env.get("ASSETGEN_ALLOWED_HOSTS", "")),
            allow_origins=_listed(env.get("ASSETGEN_ALLOW_ORIGINS", "")),
        )


def _listed(value: str) -> tuple[str, ...]:
    """The non-blank items of a comma-separated variable."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _int_from_env(env: Mapping[str, str], name: str, default: int) -> int:
    """An integer variable (blank or unset: ``default``); anything else is an error naming the variable."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be an integer, got {raw!r}") from exc
