"""assetgen.imaging: pure functions (filled in by their issues)."""
