"""Generation parameters shared by asset types, checkpoints, specs and jobs."""

from __future__ import annotations

from pydantic import Field

from assetgen.models.base import Contract


class GenerationParams(Contract):
    """Open set of sampler parameters. Precedence: job input > spec > checkpoint > asset type > defaults."""

    width: int | None = Field(default=None, ge=16, le=8192)
    height: int | None = Field(default=None, ge=16, le=8192)
    variants: int | None = Field(default=None, ge=1, le=256)
    steps: int | None = Field(default=None, ge=1, le=200)
    cfg: float | None = Field(default=None, ge=0, le=100)
    sampler: str | None = None
    scheduler: str | None = None
    clip_skip: int | None = Field(default=None, ge=1, le=12)
    seed: int | None = Field(default=None, ge=0, le=2**64 - 1)
    denoise: float | None = Field(default=None, ge=0, le=1)
    batch_size: int | None = Field(
        default=None, ge=1, le=64, description="assetgen: max images per ComfyUI batch."
    )
