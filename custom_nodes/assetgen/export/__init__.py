"""assetgen.export: pure functions (filled in by their issues)."""
