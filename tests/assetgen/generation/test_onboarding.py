"""Checkpoint onboarding: named ids, the model file (path or name), its sha256 (sidecar or computed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.onboarding import (
    list_checkpoints,
    named_checkpoint_ids,
    onboard_checkpoint,
    read_sidecar_sha256,
)
from assetgen.store import ProjectStore
from tests.assetgenerator_fixture import SD15_ID, SEEDED_PROJECT_ID, copy_seeded_fixture

P = SEEDED_PROJECT_ID


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore(copy_seeded_fixture(tmp_path / "data"))


@pytest.fixture
def models(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    (root / "checkpoints" / "sdxl").mkdir(parents=True)
    (root / "checkpoints" / "sdxl" / "base.safetensors").write_bytes(b"not really weights")
    return root


def test_named_ids_come_from_policies_and_baselines(store: ProjectStore) -> None:
    named = named_checkpoint_ids(store.read_project(P), store.baseline_profiles(P))
    assert list(named) == [SD15_ID, "ckpt_sdxl_base", "ckpt_sdxl_ui"]
    assert "baseline profile baseline" in named[SD15_ID]  # the legacy root file counts as a baseline
    assert "baseline profile bp_sdxl_ui" in named["ckpt_sdxl_ui"]


def test_a_path_in_a_models_folder_is_recorded_by_its_comfy_name(store: ProjectStore, models: Path) -> None:
    file = models / "checkpoints" / "sdxl" / "base.safetensors"
    record = onboard_checkpoint(store, P, str(file), checkpoint_id="ckpt_sdxl_base", roots=[models])
    assert record.weights.path == "sdxl/base.safetensors"
    assert record.weights.sha256 == hashlib.sha256(b"not really weights").hexdigest()
    assert record.checkpoint_profile_id == "sdxl_core"  # from policies.checkpointProfiles
    assert record.supported_asset_types == [t.id for t in store.read_catalog(P, "asset-types").asset_types]
    assert store.read(P, "checkpoints", "ckpt_sdxl_base") == record


def test_a_sidecar_sha256_is_taken_as_it_is(store: ProjectStore, models: Path) -> None:
    file = models / "checkpoints" / "sdxl" / "base.safetensors"
    digest = "ab" * 32
    Path(f"{file}.sha256").write_text(f"{digest.upper()}  base.safetensors\n")
    assert read_sidecar_sha256(file) == digest
    record = onboard_checkpoint(
        store, P, "sdxl/base.safetensors", checkpoint_id="ckpt_sdxl_ui", roots=[models]
    )
    assert record.weights.sha256 == digest
    status = next(s for s in list_checkpoints(store, P, roots=[models]) if s.checkpoint_id == "ckpt_sdxl_ui")
    assert status.is_onboarded and status.is_found and status.hash_status == "mismatch"
    Path(f"{file}.sha256").write_text("garbage")
    with pytest.raises(InvalidInput, match="holds no sha256"):
        read_sidecar_sha256(file)


def test_a_name_not_found_here_is_recorded_without_a_hash(store: ProjectStore, models: Path) -> None:
    record = onboard_checkpoint(
        store, P, "remote_only.safetensors", checkpoint_id="ckpt_sdxl_ui", roots=[models]
    )
    assert record.weights.path == "remote_only.safetensors" and record.weights.sha256 is None
    status = next(s for s in list_checkpoints(store, P, roots=[models]) if s.checkpoint_id == "ckpt_sdxl_ui")
    assert not status.is_found and status.hash_status == "no_hash"


def test_network_requests_may_not_name_local_paths(store: ProjectStore, models: Path) -> None:
    file = models / "checkpoints" / "sdxl" / "base.safetensors"
    with pytest.raises(InvalidInput, match="relative to the models folder"):
        onboard_checkpoint(
            store, P, str(file), checkpoint_id="ckpt_sdxl_ui", roots=[models], allow_paths=False
        )
    with pytest.raises(InvalidInput, match="relative to the models folder"):
        onboard_checkpoint(store, P, "../x.safetensors", checkpoint_id="ckpt_sdxl_ui", roots=[models])
