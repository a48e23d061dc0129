"""Post-processing steps over a project: background removal, atlas building, animations in a
sheet and the TexturePacker data (pixel art, tiles and pose alignment land here too).

The steps read and write the store and call the pure functions of ``assetgen.imaging``. May import
everything below it (review, specs, generation, foundations, imaging); never export, nodes or the
orchestrator.
"""
