"""ComfyUI tensors <-> the core's uint8 RGBA arrays: the only place IMAGE/MASK conventions live.

IMAGE is a float tensor [B, H, W, C] in 0..1 (C = 3, or 4 with alpha); MASK is [B, H, W] and means
1 - alpha (1 = removed), as ComfyUI's LoadImage and SplitImageWithAlpha have it.
"""

from __future__ import annotations

import numpy as np
import torch


def image_to_rgba_arrays(image: torch.Tensor) -> list[np.ndarray]:
    """IMAGE [B, H, W, 3|4] float 0..1 -> one uint8 RGBA (H, W, 4) array per batch item."""
    if image.ndim == 3:
        image = image.unsqueeze(0)
    batch = (image.detach().to("cpu", torch.float32).clamp(0, 1) * 255.0 + 0.5).to(torch.uint8).numpy()
    arrays = []
    for item in batch:
        if item.shape[2] == 3:
            item = np.dstack([item, np.full(item.shape[:2], 255, np.uint8)])
        arrays.append(np.ascontiguousarray(item[:, :, :4]))
    return arrays


def rgba_arrays_to_image_and_mask(arrays: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 RGBA arrays (same size) -> IMAGE [B, H, W, 4] and MASK [B, H, W] = 1 - alpha."""
    stacked = torch.from_numpy(np.stack(arrays).astype(np.float32) / 255.0)
    return stacked, 1.0 - stacked[..., 3]
