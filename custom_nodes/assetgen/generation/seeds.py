"""Seed policy: which seed each variant gets, always recorded.

- ``fixed``: ``seedPolicy.baseSeed`` (or ``generationParams.seed``); reproduces a known image.
- ``derived``: a stable hash of the fields named in ``seedPolicy.deriveFrom`` (default: specId,
  assetType, checkpointId): sha256 of ``field=value`` lines joined with ``\\n``, first 4 bytes, so
  entity-coherent batches share seeds across runs and machines.
- ``random_recorded``: a fresh seed chosen by the caller (``random_seed``), recorded on the variant.
Variant ``i`` of a run gets ``base + i`` (increment per variant), so N variants have N distinct seeds;
``offset`` moves a whole run (a regeneration asks for new seeds this way).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from assetgen.errors import InvalidInput
from assetgen.models import AssetSpec

MAX_SEED = 2**32 - 1
DEFAULT_DERIVE_FROM = ("specId", "assetType", "checkpointId")


def derive_seed(values: Mapping[str, object], fields: tuple[str, ...] | list[str]) -> int:
    """The documented stable hash: sha256 over ``field=value`` lines, first 4 bytes big-endian."""
    missing = [field for field in fields if field not in values]
    if missing:
        raise InvalidInput(f"seedPolicy.deriveFrom names unknown field(s) {missing}; use {sorted(values)}")
    text = "\n".join(f"{field}={values[field]}" for field in fields)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


def variant_seeds(
    spec: AssetSpec,
    *,
    count: int,
    checkpoint_id: str,
    random_seed: int,
    explicit_seed: int | None = None,
    offset: int = 0,
) -> tuple[str, list[int]]:
    """(policy mode, one seed per variant). ``explicit_seed`` (a job override) beats every policy."""
    if count < 1:
        raise InvalidInput(f"variants must be at least 1, got {count}")
    policy = spec.seed_policy
    mode = policy.mode if policy is not None else "random_recorded"
    if explicit_seed is not None:
        mode, base = "fixed", explicit_seed
    elif mode == "fixed":
        base = policy.base_seed if policy and policy.base_seed is not None else None
        if base is None and spec.generation_params is not None:
            base = spec.generation_params.seed
        if base is None:
            raise InvalidInput(
                f"spec {spec.id!r}: seedPolicy fixed needs seedPolicy.baseSeed or generationParams.seed"
            )
    elif mode == "derived":
        values = {
            "specId": spec.id,
            "assetType": spec.asset_type,
            "checkpointId": checkpoint_id,
            "projectId": spec.project_id,
            "style": spec.style,
            "scenario": spec.scenario,
            "entityId": spec.entity_link.entity_id if spec.entity_link else "",
        }
        base = derive_seed(
            values, (policy.derive_from if policy and policy.derive_from else DEFAULT_DERIVE_FROM)
        )
    else:
        base = random_seed
    return mode, [(base + offset + index) % (MAX_SEED + 1) for index in range(count)]
