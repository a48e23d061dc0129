"""Pure image functions on uint8 RGBA (H, W, 4) arrays: trimming, rectangle packing, spritesheets."""
