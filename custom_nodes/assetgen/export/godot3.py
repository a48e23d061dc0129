"""Godot 3 profile: the Godot 4 profile's SpriteFrames in Godot 3's text format (format=2)."""

from __future__ import annotations

from assetgen.export.bundle import Bundle, ExportRequest
from assetgen.export.godot import build_godot_bundle


def build_bundle(request: ExportRequest) -> Bundle:
    """Godot 3 bundle: PNG + SpriteFrames .tres (format=2, ``Texture`` ext_resources) + manifest."""
    return build_godot_bundle(request, godot_major=3)
