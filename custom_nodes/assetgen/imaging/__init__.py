"""Pure image functions on the core's one image type, uint8 RGBA arrays of shape (H, W, 4).

Nothing here reads or writes files, reads the environment or imports torch/ComfyUI; heavy optional
dependencies (rembg) are imported inside the function that needs them.

May import ``assetgen.models`` and ``assetgen.errors`` only: functions take images and parameters,
never a store or a project path.
"""
