"""Stand-in: see av/__init__.py."""
