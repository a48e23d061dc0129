"""IMAGE/MASK tensors <-> the core's uint8 RGBA arrays (the only place this conversion happens).

ComfyUI's IMAGE is float [B, H, W, C] in 0..1 (C = 3, or 4 when it carries alpha); MASK is
float [B, H, W] and means 1 - alpha.
"""

from __future__ import annotations

import numpy as np
import torch


def image_to_rgba_arrays(image: torch.Tensor) -> list[np.ndarray]:
    """One uint8 RGBA (H, W, 4) array per image of the batch."""
    batch = (image.detach().cpu().clamp(0, 1).numpy() * 255.0).round().astype(np.uint8)
    out = []
    for frame in batch:
        if frame.shape[-1] == 3:
            frame = np.dstack([frame, np.full(frame.shape[:2], 255, np.uint8)])
        out.append(np.ascontiguousarray(frame))
    return out


def rgba_arrays_to_image_and_mask(arrays: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """IMAGE (RGB, float) and MASK (1 - alpha) batches from same-sized RGBA arrays."""
    stack = np.stack(arrays).astype(np.float32) / 255.0
    image = torch.from_numpy(stack[..., :3].copy())
    mask = torch.from_numpy(1.0 - stack[..., 3].copy())
    return image, mask
