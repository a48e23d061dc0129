"""Export profiles: one module per engine, each a ``build_bundle(ExportRequest) -> Bundle``, keyed by profile.

Exporters return bytes (a ``Bundle``); ``assetgen.export.build`` reads the store into a request and writes the
bundle. Adding a profile is a module plus a line in ``EXPORTERS``.

May import post, review, specs, generation, the foundations and imaging; never nodes or the
orchestrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from assetgen.errors import InvalidInput
from assetgen.export import custom, godot, godot3, pixi_kit, unity, unreal
from assetgen.export.bundle import Bundle, ExportRequest


class Exporter(Protocol):
    """Builds one profile's bundle from a request; never writes files."""

    def __call__(self, request: ExportRequest) -> Bundle: ...


EXPORTERS: Mapping[str, Exporter] = MappingProxyType(
    {
        "unity": unity.build_bundle,
        "godot": godot.build_bundle,
        "godot3": godot3.build_bundle,
        "unreal": unreal.build_bundle,
        "pixi_kit": pixi_kit.build_bundle,
        "custom": custom.build_bundle,
    }
)


def get_exporter(profile: str) -> Exporter:
    """The exporter for ``profile``; InvalidInput listing the valid profiles otherwise."""
    if profile not in EXPORTERS:
        raise InvalidInput(f"unknown export profile {profile!r}; use one of {sorted(EXPORTERS)}")
    return EXPORTERS[profile]
