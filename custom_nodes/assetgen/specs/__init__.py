"""From wish to AssetSpec: the wishlist grammar, intake, refinement, spec defaults, validation,
autopilot readiness, the project context they read, and ``project check``.

May import the foundations (models, store, ids, errors, clock, settings, image_files, jobs) and
``assetgen.generation`` (checkpoint policy and prompt dialects); never review, post, export, nodes
or the orchestrator.
"""
