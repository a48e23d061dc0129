"""Judging variants: review decisions, the gallery's read views, jobs a reviewer starts, quality
checks, autopilot and import of existing art.

May import the foundations, ``assetgen.imaging``, ``assetgen.generation`` and ``assetgen.specs``;
never post, export, nodes or the orchestrator.
"""
