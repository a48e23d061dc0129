"""Stand-in: see av/__init__.py."""

from av import _Placeholder


class SubtitleStream(_Placeholder):
    pass
