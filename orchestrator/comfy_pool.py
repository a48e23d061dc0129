"""A pool of ComfyUI backends: capability-aware, weighted, least-loaded dispatch with failover and draining.

Backends come from ``COMFYUI_URL`` (comma-separated) or from a pool file (``COMFYUI_POOL_FILE``, YAML or
JSON, re-read whenever its mtime changes, so backends can be added, removed, re-weighted and drained at run
time)::

    backends:
      - url: http://gpu-a:8188
        weight: 2          # share of the load (queue length is divided by it); default 1
        maxQueue: 4        # prompts in flight + queued there before it counts as full; default unlimited
      - url: http://gpu-b:8188
        drain: true        # finishes what it runs, gets nothing new

Each backend's model files (``/models/checkpoints``, ``/models/loras``) are read when it is first used and
again every ``models_ttl_s``. A call that needs files (``Requirements``) goes only to backends that have
all of them; when no healthy, undrained backend has them the call fails at once: ``ModelUnavailable``
(no backend has the file: not retried) or ``BackendUnavailable`` (the backends that have it are down or
draining: retried later). Among capable backends the one with the smallest (queue + in flight) / weight
wins; a backend that fails is rested for ``cooldown_s`` and the call goes to the next one. A backend's
queue length is asked (``GET /prompt``) at most every ``queue_ttl_s`` (asking per call added a request to
every job): a backend's load is what others had queued there at the last look plus the pool's own calls
in flight there now, which change with every call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import yaml

from assetgen.errors import BackendUnavailable, InvalidInput, ModelUnavailable
from assetgen.models.generation import GenerationPlan
from orchestrator.comfy_client import ComfyClient

log = logging.getLogger(__name__)
T = TypeVar("T")
MODEL_FOLDERS = ("checkpoints", "loras")


@dataclass(frozen=True)
class BackendSpec:
    """One backend as the pool file (or COMFYUI_URL) describes it."""

    url: str
    weight: float = 1.0
    max_queue: int | None = None
    drain: bool = False


@dataclass(frozen=True)
class Requirements:
    """Model files a call needs on the backend, by folder and file name."""

    files: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of_plan(cls, plan: GenerationPlan) -> Requirements:
        """The checkpoint and every LoRA file of a generation plan."""
        return cls(
            frozenset([("checkpoints", plan.checkpoint.file), *(("loras", lora.file) for lora in plan.loras)])
        )

    def describe(self, files: Iterable[tuple[str, str]] | None = None) -> str:
        return ", ".join(
            f"{folder}/{name}" for folder, name in sorted(self.files if files is None else files)
        )


def read_pool_file(path: Path) -> list[BackendSpec]:
    """Backends of a pool file: ``{backends: [{url, weight?, maxQueue?, drain?}]}`` or a bare list, YAML or JSON."""
    try:
        text = path.read_text()
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read the ComfyUI pool file {path}: {exc}") from exc
    entries = data.get("backends") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InvalidInput(f"pool file {path}: expected a list under 'backends'")
    specs = []
    for index, entry in enumerate(entries):
        entry = {"url": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise InvalidInput(f"pool file {path}: backend {index} needs a url")
        try:
            weight = float(entry.get("weight", 1.0))
            max_queue = None if entry.get("maxQueue") is None else int(entry["maxQueue"])
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"pool file {path}: backend {entry['url']}: {exc}") from exc
        if weight <= 0 or (max_queue is not None and max_queue < 1):
            raise InvalidInput(f"pool file {path}: backend {entry['url']}: weight > 0 and maxQueue >= 1")
        specs.append(
            BackendSpec(
                url=entry["url"].rstrip("/"),
                weight=weight,
                max_queue=max_queue,
                drain=bool(entry.get("drain")),
            )
        )
    return specs


@dataclass
class Backend:
    """A backend of the pool and what the pool knows about it."""

    spec: BackendSpec
    client: ComfyClient
    in_flight: int = 0
    down_until: float = 0.0
    queue: int | None = None
    queue_at: float = 0.0
    foreign: int = 0  # prompts of other clients in its queue at the last look
    models: dict[str, set[str]] | None = None
    models_at: float = 0.0
    last_error: str | None = None
    removed: bool = False

    @property
    def url(self) -> str:
        return self.spec.url

    def missing(self, needs: Requirements) -> set[tuple[str, str]]:
        """Needed files this backend does not list (all of them while its models are unknown)."""
        if self.models is None:
            return set(needs.files)
        return {(folder, name) for folder, name in needs.files if name not in self.models.get(folder, set())}


@dataclass
class _PoolFile:
    path: Path
    mtime_ns: int = -1
    error: str | None = None
    specs: list[BackendSpec] = field(default_factory=list)


class ComfyPool:
    """Dispatches work to one of several ComfyUI servers (see the module docstring)."""

    def __init__(
        self,
        urls: Iterable[str | BackendSpec],
        session: aiohttp.ClientSession,
        *,
        cooldown_s: float = 15.0,
        models_ttl_s: float = 60.0,
        queue_ttl_s: float = 1.0,
        pool_file: Path | None = None,
    ) -> None:
        self.session = session
        self.cooldown_s = cooldown_s
        self.models_ttl_s = models_ttl_s
        self.queue_ttl_s = queue_ttl_s
        self.backends: list[Backend] = []
        self._file = _PoolFile(Path(pool_file)) if pool_file is not None else None
        self._apply([u if isinstance(u, BackendSpec) else BackendSpec(url=u.rstrip("/")) for u in urls])
        self.reload()
        if not self.backends:
            raise BackendUnavailable("no ComfyUI backend configured (COMFYUI_URL or COMFYUI_POOL_FILE)")

    # -- membership ----------------------------------------------------------------------------
    @property
    def clients(self) -> list[ComfyClient]:
        return [b.client for b in self.backends]

    def _apply(self, specs: list[BackendSpec]) -> None:
        by_url = {b.url: b for b in self.backends}
        kept = []
        for spec in specs:
            backend = by_url.pop(spec.url, None)
            if backend is None:
                backend = Backend(spec=spec, client=ComfyClient(spec.url, self.session))
                log.info("pool: backend %s added", spec.url)
            elif backend.spec != spec:
                log.info("pool: backend %s now %s", spec.url, spec)
                backend.spec = spec
            kept.append(backend)
        for gone in by_url.values():  # calls running there finish; nothing new is sent
            gone.removed = True
            log.info("pool: backend %s removed", gone.url)
        self.backends = kept

    def reload(self) -> bool:
        """Re-read the pool file when it changed; True when the backends changed. A broken file keeps the
        backends as they were (and says why in ``status``)."""
        if self._file is None:
            return False
        try:
            mtime = self._file.path.stat().st_mtime_ns
        except OSError as exc:
            self._file.error = f"pool file {self._file.path} unreadable: {exc}"
            return False
        if mtime == self._file.mtime_ns:
            return False
        self._file.mtime_ns = mtime
        try:
            specs = read_pool_file(self._file.path)
        except InvalidInput as exc:
            self._file.error = str(exc)
            log.warning("%s; keeping the previous backends", exc)
            return False
        self._file.error = None
        self._apply(specs)
        return True

    # -- what the backends have and do --------------------------------------------------------------
    async def _refresh(self, backend: Backend, *, force: bool = False) -> None:
        """Queue length now; model lists when stale. A backend that does not answer rests."""
        try:
            if force or backend.queue is None or time.monotonic() - backend.queue_at > self.queue_ttl_s:
                backend.queue = await backend.client.queue_remaining()
                backend.queue_at = time.monotonic()
                # What others queued there: the server's count includes our own calls in flight.
                backend.foreign = max(0, backend.queue - backend.in_flight)
            if force or backend.models is None or time.monotonic() - backend.models_at > self.models_ttl_s:
                lists = await asyncio.gather(*(backend.client.models(f) for f in MODEL_FOLDERS))
                backend.models = {
                    folder: set(names) for folder, names in zip(MODEL_FOLDERS, lists, strict=True)
                }
                backend.models_at = time.monotonic()
            backend.last_error = None
        except BackendUnavailable as exc:
            backend.queue = None
            backend.last_error = str(exc)
            backend.down_until = time.monotonic() + self.cooldown_s

    async def refresh(self, *, force_models: bool = False) -> None:
        """Health, queue and (stale, or with ``force_models`` all) model lists of every backend."""
        self.reload()
        await asyncio.gather(*(self._refresh(b, force=force_models) for b in self.backends))

    def _load(self, backend: Backend) -> float:
        return (backend.foreign + backend.in_flight) / backend.spec.weight

    async def ordered(self, needs: Requirements | None = None) -> list[ComfyClient]:
        """Clients to try, best first (see ``candidates``)."""
        return [b.client for b in await self.candidates(needs)]

    async def candidates(self, needs: Requirements | None = None) -> list[Backend]:
        """Healthy, undrained backends that have every file ``needs`` names, least loaded (per weight) first;
        full ones (maxQueue) after the others. Raises ModelUnavailable / BackendUnavailable when none can."""
        self.reload()
        now = time.monotonic()
        active = [b for b in self.backends if not b.spec.drain]
        awake = [b for b in active if b.down_until <= now]
        await asyncio.gather(*(self._refresh(b) for b in awake))
        healthy = [b for b in awake if b.queue is not None]
        needs = needs or Requirements()
        capable = [b for b in healthy if not b.missing(needs)]
        if not capable:
            raise self._no_backend(needs, healthy)
        capable.sort(key=lambda b: (self._load(b), b.url))
        full = [
            b for b in capable if b.spec.max_queue is not None and b.foreign + b.in_flight >= b.spec.max_queue
        ]
        return [b for b in capable if b not in full] + full

    def _no_backend(self, needs: Requirements, healthy: list[Backend]) -> Exception:
        if not self.backends or all(b.spec.drain for b in self.backends):
            return BackendUnavailable("every ComfyUI backend of the pool is draining")
        # Would a backend that is down or draining (as far as we last knew) have the files?
        elsewhere = [
            b for b in self.backends if b not in healthy and b.models is not None and not b.missing(needs)
        ]
        if elsewhere:
            states = ", ".join(f"{b.url} ({'draining' if b.spec.drain else 'down'})" for b in elsewhere)
            return BackendUnavailable(
                f"{needs.describe()}: only on backends that are unavailable now: {states}"
            )
        if not healthy:
            errors = "; ".join(
                f"{b.url}: {b.last_error or 'resting'}" for b in self.backends if not b.spec.drain
            )
            return BackendUnavailable(f"no ComfyUI backend answers: {errors}")
        lacking = "; ".join(f"{b.url} lacks {needs.describe(b.missing(needs))}" for b in healthy)
        return ModelUnavailable(f"no ComfyUI backend has the model files this job needs: {lacking}")

    async def run(
        self, work: Callable[[ComfyClient], Awaitable[T]], *, needs: Requirements | None = None
    ) -> T:
        """Run ``work`` on the best capable backend; on BackendUnavailable try the next one."""
        errors = []
        for backend in await self.candidates(needs):
            backend.in_flight += 1
            try:
                return await work(backend.client)
            except BackendUnavailable as exc:
                errors.append(str(exc))
                backend.down_until = time.monotonic() + self.cooldown_s
                log.warning("backend=%s failed, trying another: %s", backend.url, exc)
            finally:
                backend.in_flight -= 1
        raise BackendUnavailable("every capable ComfyUI backend failed: " + " | ".join(errors))

    async def status(self) -> dict[str, Any]:
        """Backends with health, queue, in-flight calls, weight, drain and model files (for `assetgen pool status`)."""
        await self.refresh(force_models=True)
        now = time.monotonic()
        return {
            "poolFile": str(self._file.path) if self._file else None,
            "poolFileError": self._file.error if self._file else None,
            "backends": [
                {
                    "url": b.url,
                    "healthy": b.queue is not None and b.down_until <= now,
                    "draining": b.spec.drain,
                    "weight": b.spec.weight,
                    "maxQueue": b.spec.max_queue,
                    "queue": b.queue,
                    "inFlight": b.in_flight,
                    "models": {k: sorted(v) for k, v in (b.models or {}).items()},
                    "error": b.last_error,
                }
                for b in self.backends
            ],
        }

    async def close(self) -> None:
        """Close every backend's WebSocket (the HTTP session belongs to the caller)."""
        for backend in self.backends:
            await backend.client.close()
