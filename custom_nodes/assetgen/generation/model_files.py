"""Model files on disk: where a checkpoint's ``weights.path`` lives and whether its sha256 matches the record.

The files are only reachable where the models folders are: ``<cache_dir>/models`` (set-up's demo models)
and ``ASSETGEN_MODELS_DIR`` — the same roots the managed ComfyUI is given. A record's ``weights.sha256``
is optional; when it is set and the file is found, the file's hash must equal it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from assetgen.errors import InvalidInput
from assetgen.generation.file_hashes import sha256_file
from assetgen.models import Checkpoint
from assetgen.models.generation import GenerationPlan
from assetgen.settings import Settings

WeightsStatus = Literal["verified", "mismatch", "not_found", "no_hash", "no_path"]


def model_roots(settings: Settings) -> list[Path]:
    """Folders holding checkpoints/ and loras/: the demo models first, then ``ASSETGEN_MODELS_DIR``."""
    roots = [settings.cache_dir / "models"]
    if settings.models_dir is not None:
        roots.append(settings.models_dir)
    return roots


def hash_cache_file(settings: Settings) -> Path:
    """Where file hashes are remembered (outside every project folder)."""
    return settings.cache_dir / "file-hashes.json"


@dataclass(frozen=True)
class WeightsCheck:
    """The verdict on one checkpoint's weights file."""

    checkpoint_id: str
    status: WeightsStatus
    file: str | None = None
    path: str | None = None
    expected_sha256: str | None = None
    actual_sha256: str | None = None

    @property
    def is_mismatch(self) -> bool:
        return self.status == "mismatch"

    @property
    def message(self) -> str:
        """One line a person can act on."""
        if self.status == "mismatch":
            return (
                f"checkpoint {self.checkpoint_id!r}: {self.path} has sha256 {self.actual_sha256}, but "
                f"weights.sha256 says {self.expected_sha256}; replace the file or correct the record"
            )
        if self.status == "verified":
            return f"checkpoint {self.checkpoint_id!r}: {self.path} matches weights.sha256"
        if self.status == "not_found":
            return (
                f"checkpoint {self.checkpoint_id!r}: {self.file} is not in the models folders (not verified)"
            )
        if self.status == "no_path":
            return f"checkpoint {self.checkpoint_id!r}: no weights.path; set the file name ComfyUI sees"
        return f"checkpoint {self.checkpoint_id!r}: no weights.sha256 recorded (file not verified)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "checkpointId": self.checkpoint_id,
            "status": self.status,
            "file": self.file,
            "path": self.path,
            "expectedSha256": self.expected_sha256,
            "actualSha256": self.actual_sha256,
            "message": self.message,
        }


def find_model_file(file: str, roots: Sequence[Path], *, folder: str = "checkpoints") -> Path | None:
    """The first ``<root>/<folder>/<file>`` that exists; ``file`` must be relative without '..'."""
    pure = PurePosixPath(file.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        raise InvalidInput(f"model file {file!r} must be relative to the models folder, without '..'")
    for root in roots:
        candidate = Path(root) / folder / pure
        if candidate.is_file():
            return candidate
    return None


def verify_model_file(
    checkpoint_id: str,
    file: str | None,
    expected_sha256: str | None,
    roots: Sequence[Path],
    *,
    cache_file: Path | None = None,
) -> WeightsCheck:
    """Compare a checkpoint file's sha256 with the recorded one (hashing only when one is recorded)."""
    expected = (expected_sha256 or "").lower() or None
    if not file:
        return WeightsCheck(checkpoint_id, "no_path")
    if expected is None:
        return WeightsCheck(checkpoint_id, "no_hash", file=file)
    path = find_model_file(file, roots)
    if path is None:
        return WeightsCheck(checkpoint_id, "not_found", file=file, expected_sha256=expected)
    actual = sha256_file(path, cache_file=cache_file)
    return WeightsCheck(
        checkpoint_id,
        "verified" if actual == expected else "mismatch",
        file=file,
        path=str(path),
        expected_sha256=expected,
        actual_sha256=actual,
    )


def verify_checkpoint_file(
    checkpoint: Checkpoint, roots: Sequence[Path], *, cache_file: Path | None = None
) -> WeightsCheck:
    """``verify_model_file`` for a checkpoint record (``weights.path`` and ``weights.sha256``)."""
    return verify_model_file(
        checkpoint.id, checkpoint.weights.path, checkpoint.weights.sha256, roots, cache_file=cache_file
    )


def require_plan_checkpoint_matches(
    plan: GenerationPlan, roots: Sequence[Path], *, cache_file: Path | None = None
) -> WeightsCheck:
    """Refuse (InvalidInput) a plan whose checkpoint file is found but differs from the recorded sha256."""
    choice = plan.checkpoint
    check = verify_model_file(choice.id, choice.file, choice.sha256, roots, cache_file=cache_file)
    if check.is_mismatch:
        raise InvalidInput(check.message)
    return check
