"""The project store: the data/ tree in AssetGenerator's layout, ids, paths and atomic writes.

Only this module turns ids into paths. Every id is validated first (``ids.validate_id``), every write
goes through a temp file in the same folder + fsync + ``os.replace``, and every read that fails
names the file and the field.

    <data root>/projects/<projectId>/project.json
    <data root>/projects/<projectId>/catalogs/<name>.json
    <data root>/projects/<projectId>/<folder>/<recordId>.json      folder in models.RECORD_MODELS
    <data root>/projects/<projectId>/baseline-profile.json         the origin's legacy baseline (read only)
    <data root>/projects/<projectId>/files/...                     images, atlases, exports
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

import pydantic_core
from pydantic import BaseModel

from assetgen.errors import Conflict, InvalidInput, NotFound, StorageError
from assetgen.ids import ID_PATTERN, validate_file_name, validate_id
from assetgen.models import CATALOG_MODELS, RECORD_MODELS, RECORD_NOUNS, BaselineProfile, Project, Record
from assetgen.models.base import mark_from_file, parse_model

M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
V = TypeVar("V")

IMAGE_KINDS = ("original", "preview", "alpha", "pixel")
# AssetGenerator's legacy single baseline profile at the project root; resolved like baseline-profiles/<id>.json.
LEGACY_BASELINE_FILE = "baseline-profile.json"


@dataclass(frozen=True)
class StoredImagePath:
    """The parts of a stored image path ``projects/<p>/files/images/<assetId>/<kind>/<name>``."""

    asset_id: str
    kind: str
    file_name: str

    @property
    def variant_id(self) -> str:
        """The variant id: the file name without its suffix."""
        return PurePosixPath(self.file_name).stem


def parse_image_path(
    stored: str, project_id: str, *, kinds: tuple[str, ...] = IMAGE_KINDS, what: str = "image path"
) -> StoredImagePath:
    """Split a stored image path of ``project_id`` into asset id, kind and file name (InvalidInput otherwise).

    Only the shape is checked; the caller decides what the file name may be (``...`` = a whole folder)."""
    parts = PurePosixPath(str(stored)).parts
    if (
        len(parts) != 7
        or parts[:2] != ("projects", project_id)
        or parts[2:4] != ("files", "images")
        or parts[5] not in kinds
    ):
        kind = kinds[0] if len(kinds) == 1 else "<kind>"
        raise InvalidInput(
            f"{what} {stored!r} is not projects/{project_id}/files/images/<assetId>/{kind}/<variantId>.png"
        )
    return StoredImagePath(asset_id=parts[4], kind=parts[5], file_name=parts[6])


FileSignature = tuple[int, int, int]


def file_signature(path: Path | str) -> FileSignature:
    """(mtime_ns, size, inode) of a file: every store write renames a new file into place, so a changed
    file never keeps its signature (readers that keep parsed files compare it instead of reading again)."""
    return stat_signature(os.stat(path))


def stat_signature(info: os.stat_result) -> FileSignature:
    """``file_signature`` of a stat already made (a folder listing's entries)."""
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class SignedCache(Generic[K, V]):
    """Values made from files, each kept with the signature of its files when it was made: a lookup with
    another signature misses. Shared between threads; emptied when full (no bookkeeping per hit). Callers
    only read the values they get (they are shared)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[K, tuple[Any, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, signature: Any) -> V | None:
        with self._lock:
            hit = self._entries.get(key)
        return hit[1] if hit is not None and hit[0] == signature else None

    def put(self, key: K, signature: Any, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (signature, value)


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half of one.

    ``durable=False`` skips the fsync: still atomic, but a power cut may lose the file (for transient
    files such as ComfyUI's outputs, which the orchestrator fetches and stores durably itself).

    Plain ``os`` calls: the temp file is created with mode 0666 less the umask (as any file a process
    creates), its folder only when missing. ``tempfile.mkstemp`` + ``fdopen`` took twelve system calls
    where five do, and a worker writes several files per job, each call a chance for another thread to
    take the GIL."""
    tmp_name = f"{path.parent}/.{path.name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        try:
            fd = os.open(tmp_name, flags, 0o666)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp_name, flags, 0o666)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc} (disk full or read-only?)") from exc
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise StorageError(
                f"cannot write {path}: {exc.strerror or exc} (disk full or read-only?); the previous file is unchanged"
            ) from exc
        raise


def dump_json(data: Any) -> bytes:
    """Pretty JSON as the origin writes it: 2-space indent, trailing newline, UTF-8.

    Serialized by pydantic-core: ``json.dumps`` with an indent runs its pure-Python encoder, 16 times
    slower, and every job update, claim and ingest writes a record. The text is the same except for
    small floats, which come out as JavaScript writes them (``1e-7``, not ``1e-07``)."""
    return pydantic_core.to_json(data, indent=2, inf_nan_mode="constants") + b"\n"


def dump_json_appending(previous: bytes, head: dict[str, Any], key: str, item: Any) -> bytes | None:
    """``dump_json`` of ``head`` followed by ``key``: the list ``previous`` holds there plus ``item``,
    without serialising that list again (nor searching it: a record's history can be megabytes).

    ``previous`` must be a ``dump_json`` of a dict whose last key is ``key`` (nothing else has its
    layout). The text is the same as a full dump: pretty JSON puts a top-level key, and only those, at the
    start of a line indented by two spaces (a raw newline cannot occur inside a JSON string), so the list's
    body is found without parsing. None when ``previous`` does not end with a non-empty list under ``key``
    (dump it whole then)."""
    tail = b"\n  ]\n}\n"
    opening = b"\n  " + pydantic_core.to_json(key) + b": [\n"
    start = previous.find(opening)
    skeleton = dump_json(head)
    if start < 0 or not previous.endswith(tail) or not skeleton.endswith(b"\n}\n") or key in head:
        return None
    element = dump_json(item)[:-1].replace(b"\n", b"\n    ")
    body = memoryview(previous)[start + len(opening) : len(previous) - len(tail)]
    return b"".join((skeleton[:-3], b",", opening, body, b",\n    ", element, tail))


def write_json_atomic(path: Path, data: Any, *, durable: bool = True) -> None:
    """Atomically write ``data`` (a model or plain JSON value) as pretty JSON (``durable``: as for
    ``write_bytes_atomic``)."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    write_bytes_atomic(path, dump_json(data), durable=durable)


def read_bytes(path: Path | str) -> bytes:
    """A whole file: open, fstat, one read (two at most for a file that grew), close. ``Path.read_bytes``
    makes seven system calls (a tty check, seeks, a second fstat) for the same bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data  # a short read of a regular file is its end
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_json(path: Path) -> Any:
    """Parse a JSON file (a leading BOM is accepted); errors name the file, line and column."""
    try:
        raw = read_bytes(path)
    except FileNotFoundError as exc:
        raise NotFound(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{path}: is a folder, not a JSON file") from exc
    # pydantic-core's parser reads plain UTF-8 JSON two to three times faster than ``json.loads``, and every
    # claim, progress write and ingest reads records; anything it refuses (a BOM, bad UTF-8, bad JSON) goes
    # through ``json.loads``, which accepts the BOM or says exactly what is wrong.
    try:
        return pydantic_core.from_json(raw)
    except ValueError:
        pass
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one JSON file; written back, it keeps the keys it had (and gains only changed ones)."""
    parsed = parse_model(model, read_json(path), where=str(path))
    mark_from_file(parsed)
    return parsed


class ProjectStore:
    """Reads and writes one data root (``ASSETGEN_DATA_DIR`` or ``data/``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    # -- paths ------------------------------------------------------------------------------
    def projects_dir(self) -> Path:
        return self.root / "projects"

    def project_dir(self, project_id: str) -> Path:
        return self.projects_dir() / validate_id(project_id, what="project id")

    def record_path(self, project_id: str, folder: str, record_id: str) -> Path:
        if folder not in RECORD_MODELS:
            raise InvalidInput(f"unknown record folder {folder!r}; use one of {sorted(RECORD_MODELS)}")
        return (
            self.project_dir(project_id)
            / folder
            / f"{validate_id(record_id, what=f'{RECORD_NOUNS[folder]} id')}.json"
        )

    def catalog_path(self, project_id: str, name: str) -> Path:
        if name not in CATALOG_MODELS:
            raise InvalidInput(f"unknown catalog {name!r}; use one of {sorted(CATALOG_MODELS)}")
        return self.project_dir(project_id) / "catalogs" / f"{name}.json"

    def image_path(
        self, project_id: str, asset_id: str, kind: str, variant_id: str, *, suffix: str = ".png"
    ) -> Path:
        """files/images/<assetId>/<kind>/<variantId><suffix>, kind one of original|preview|alpha."""
        if kind not in IMAGE_KINDS:
            raise InvalidInput(f"unknown image kind {kind!r}; use one of {list(IMAGE_KINDS)}")
        if suffix not in (".png", ".webp"):
            raise InvalidInput(f"unsupported image suffix {suffix!r}")
        return (
            self.project_dir(project_id)
            / "files"
            / "images"
            / validate_id(asset_id, what="asset id")
            / kind
            / f"{validate_id(variant_id, what='variant id')}{suffix}"
        )

    def files_dir(self, project_id: str, area: str, record_id: str) -> Path:
        """files/<area>/<recordId>/ for atlases and exports."""
        if area not in ("atlases", "exports"):
            raise InvalidInput(f"unknown files area {area!r}; use atlases or exports")
        noun = RECORD_NOUNS[area]
        return self.project_dir(project_id) / "files" / area / validate_id(record_id, what=f"{noun} id")

    def reference_path(self, project_id: str, spec_list_id: str, file_name: str) -> Path:
        """files/references/<specListId>/<fileName>: a file attached to a wishlist at intake."""
        return (
            self.project_dir(project_id)
            / "files"
            / "references"
            / validate_id(spec_list_id, what="spec list id")
            / validate_file_name(file_name, what="reference file name")
        )

    def relative(self, path: Path) -> str:
        """A path as records store it: relative to the data root, forward slashes."""
        try:
            return PurePosixPath(Path(path).resolve().relative_to(self.root)).as_posix()
        except ValueError as exc:
            raise InvalidInput(f"{path} is outside the data root {self.root}") from exc

    def resolve(self, stored: str) -> Path:
        """The absolute path of a record-stored relative path; refuses anything leaving the data root."""
        if not isinstance(stored, str) or not stored or "\x00" in stored or "\\" in stored:
            raise InvalidInput(f"invalid stored path {stored!r}")
        pure = PurePosixPath(stored)
        if pure.is_absolute() or ".." in pure.parts:
            raise InvalidInput(f"stored path {stored!r} must be relative to the data root, without '..'")
        path = (self.root / pure).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidInput(f"stored path {stored!r} leaves the data root")
        return path

    @contextmanager
    def lock(self, project_id: str, kind: str, name: str) -> Iterator[None]:
        """An exclusive cross-process lock (flock) for read-modify-write of ``kind``/``name`` in a project.

        Lock files live under ``<root>/runtime/locks/<projectId>/<kind>/``, outside the project folder."""
        validate_id(project_id, what="project id")
        path = self.root / "runtime" / "locks" / project_id / validate_id(kind) / f"{validate_id(name)}.lock"
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        try:
            fd = os.open(path, flags, 0o666)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, flags, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield  # closing the descriptor releases the lock
        finally:
            os.close(fd)

    # -- projects ---------------------------------------------------------------------------
    def list_projects(self) -> list[str]:
        base = self.projects_dir()
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / "project.json").is_file())

    def has_project(self, project_id: str) -> bool:
        return (self.project_dir(project_id) / "project.json").is_file()

    def read_project(self, project_id: str) -> Project:
        path = self.project_dir(project_id) / "project.json"
        if not path.is_file():
            known = ", ".join(self.list_projects()) or "none"
            raise NotFound(
                f"project {project_id!r} not found under {self.projects_dir()} (projects: {known})"
            )
        return load_model(Project, path)

    def write_project(self, project: Project) -> None:
        write_json_atomic(self.project_dir(project.id) / "project.json", project)

    # -- catalogs ---------------------------------------------------------------------------
    def read_catalog(self, project_id: str, name: str) -> Record:
        path = self.catalog_path(project_id, name)
        if not path.is_file():
            raise NotFound(f"project {project_id!r} has no catalog {name!r} ({path})")
        return load_model(CATALOG_MODELS[name], path)

    def write_catalog(self, project_id: str, name: str, catalog: Record) -> None:
        write_json_atomic(self.catalog_path(project_id, name), catalog)

    # -- records ----------------------------------------------------------------------------
    def read(self, project_id: str, folder: str, record_id: str) -> Any:
        """Read one record of ``folder`` (specs, jobs, assets ...) as its model."""
        path = self.record_path(project_id, folder, record_id)
        if not path.is_file():
            if not self.has_project(project_id):
                self.read_project(project_id)  # raises the clearer "project not found"
            raise NotFound(
                f"{RECORD_NOUNS[folder]} {record_id!r} not found in project {project_id!r} ({path})"
            )
        return load_model(RECORD_MODELS[folder], path)

    def exists(self, project_id: str, folder: str, record_id: str) -> bool:
        return self.record_path(project_id, folder, record_id).is_file()

    def write(self, project_id: str, folder: str, record: Record, *, create_only: bool = False) -> Path:
        """Atomically write ``record`` to ``<folder>/<record.id>.json``; ``create_only`` refuses to overwrite."""
        model = RECORD_MODELS.get(folder)
        if model is None or not isinstance(record, model):
            raise InvalidInput(f"a {type(record).__name__} cannot be stored in {folder!r}")
        path = self.record_path(project_id, folder, record.id)
        if create_only and path.exists():
            raise Conflict(f"{RECORD_NOUNS[folder]} {record.id!r} exists already in project {project_id!r}")
        write_json_atomic(path, record)
        return path

    def list_ids(self, project_id: str, folder: str) -> list[str]:
        """Ids of the records in ``folder``, sorted; files whose name is not a valid id are ignored."""
        self.record_path(project_id, folder, "probe")  # validates project id and folder
        base = self.project_dir(project_id) / folder
        if not base.is_dir():
            return []
        ids = []
        for entry in base.iterdir():
            if entry.suffix == ".json" and not entry.name.startswith("."):
                try:
                    ids.append(validate_id(entry.stem))
                except InvalidInput:
                    continue
        return sorted(ids)

    def record_signatures(self, project_id: str, folder: str) -> dict[str, FileSignature]:
        """Record id -> (mtime_ns, size, inode) of each file in ``folder``: stat only, nothing is read.

        Cheap enough to poll: an atomic write replaces the inode, so every change shows.
        """
        self.record_path(project_id, folder, "probe")  # validates project id and folder
        base = self.project_dir(project_id) / folder
        signatures: dict[str, FileSignature] = {}
        try:
            entries = list(os.scandir(base))
        except (FileNotFoundError, NotADirectoryError):
            return signatures
        for entry in entries:
            stem, dot, suffix = entry.name.rpartition(".")
            if suffix != "json" or not dot or entry.name.startswith(".") or not ID_PATTERN.fullmatch(stem):
                continue
            try:
                info = entry.stat()
            except FileNotFoundError:
                continue
            signatures[stem] = stat_signature(info)
        return signatures

    def iter_records(self, project_id: str, folder: str) -> Iterator[Any]:
        for record_id in self.list_ids(project_id, folder):
            yield self.read(project_id, folder, record_id)

    # -- baseline profiles (folder + the origin's legacy root file) --------------------------
    def legacy_baseline_path(self, project_id: str) -> Path:
        return self.project_dir(project_id) / LEGACY_BASELINE_FILE

    def read_legacy_baseline(self, project_id: str) -> BaselineProfile | None:
        """The root ``baseline-profile.json`` as a baseline profile, or None when the project has none."""
        path = self.legacy_baseline_path(project_id)
        return load_model(BaselineProfile, path) if path.is_file() else None

    def baseline_profiles(self, project_id: str) -> list[BaselineProfile]:
        """``baseline-profiles/*.json`` plus the legacy root file (a folder file wins on an id clash)."""
        profiles: list[BaselineProfile] = list(self.iter_records(project_id, "baseline-profiles"))
        legacy = self.read_legacy_baseline(project_id)
        if legacy is not None and legacy.id not in {p.id for p in profiles}:
            profiles.append(legacy)
        return profiles

    def read_baseline_profile(self, project_id: str, baseline_id: str) -> BaselineProfile:
        """One baseline profile by id: ``baseline-profiles/<id>.json``, else the legacy root file."""
        if not self.exists(project_id, "baseline-profiles", baseline_id):
            legacy = self.read_legacy_baseline(project_id)
            if legacy is not None and legacy.id == baseline_id:
                return legacy
        return self.read(project_id, "baseline-profiles", baseline_id)

    def checkpoint_profile_ids(self, project_id: str) -> list[str]:
        """Ids of the origin's ``checkpoint-profiles/<profileId>.json`` files (kept; policies win)."""
        folder = self.project_dir(project_id) / "checkpoint-profiles"
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if ID_PATTERN.fullmatch(p.stem))

    def delete(self, project_id: str, folder: str, record_id: str) -> None:
        path = self.record_path(project_id, folder, record_id)
        try:
            path.unlink()
        except FileNotFoundError as exc:
            raise NotFound(
                f"{RECORD_NOUNS[folder]} {record_id!r} not found in project {project_id!r}"
            ) from exc

    def write_file(self, path: Path, data: bytes) -> str:
        """Atomically write a binary file under a project folder; returns its stored (relative) path."""
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.projects_dir()):
            raise InvalidInput(f"{path} is outside the projects folder {self.projects_dir()}")
        write_bytes_atomic(resolved, data)
        return self.relative(resolved)


def asset_lock(store: ProjectStore, project_id: str, asset_id: str) -> AbstractContextManager[None]:
    """The exclusive lock for read-modify-write of one asset record (across processes); NotFound first
    for a missing project or asset, so a bad request leaves no lock file behind."""
    if not store.exists(project_id, "assets", asset_id):
        store.read(project_id, "assets", asset_id)
    return store.lock(project_id, "assets", asset_id)
