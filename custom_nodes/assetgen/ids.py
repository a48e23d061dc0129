"""Record ids: validation before any id becomes part of a path, and new ULIDs."""

from __future__ import annotations

import os
import re
import threading
import time

from assetgen.errors import InvalidInput

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ulid_lock = threading.Lock()
_last_ulid = 0  # the last ULID this process made, as an integer
# Device names Windows reserves in any case and with any extension ("con", "Nul.json", "COM1"): a folder or
# file so named cannot exist there, and AssetGenerator users keep projects on Windows too.
WINDOWS_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))]
)


def is_windows_reserved(name: str) -> bool:
    """True when ``name`` (or its part before the first dot) is a Windows device name such as ``con`` or ``LPT1``."""
    return name.split(".", 1)[0].lower() in WINDOWS_RESERVED_NAMES


def _reserved_message(what: str, value: str) -> str:
    return (
        f"invalid {what} {value!r}: {value.split('.', 1)[0]} is a device name on Windows; choose another name"
    )


def validate_id(value: object, *, what: str = "id") -> str:
    """Return ``value`` if it is a safe record id (``^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$``, not a Windows device
    name), else raise InvalidInput."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        shown = repr(value) if not isinstance(value, str) or len(value) <= 60 else repr(value[:60] + "...")
        raise InvalidInput(
            f"invalid {what} {shown}: use 1-128 characters from A-Z a-z 0-9 _ -, starting with a letter or digit"
        )
    if is_windows_reserved(value):
        raise InvalidInput(_reserved_message(what, value))
    return value


def validate_file_name(value: object, *, what: str = "file name") -> str:
    """Return ``value`` if it is a plain file name (1-128 of A-Z a-z 0-9 . _ -, no folders, no ``..``)."""
    if not isinstance(value, str) or not FILE_NAME_PATTERN.fullmatch(value) or ".." in value:
        shown = repr(value) if not isinstance(value, str) or len(value) <= 60 else repr(value[:60] + "...")
        raise InvalidInput(
            f"invalid {what} {shown}: use 1-128 characters from A-Z a-z 0-9 . _ -, starting with a letter "
            "or digit, without folders or '..'; rename the file"
        )
    if is_windows_reserved(value):
        raise InvalidInput(_reserved_message(what, value))
    return value


def default_atlas_id(asset_id: str) -> str:
    """The one atlas-id rule: an asset's (or spec's) default atlas is ``<assetId>-atlas`` (128 chars at most)."""
    return validate_id(f"{validate_id(asset_id, what='asset id')[:122]}-atlas", what="atlas id")


def new_ulid(*, now_ms: int | None = None) -> str:
    """A new ULID (26 Crockford base-32 characters, time-ordered by millisecond).

    Monotonic within the process (the ULID spec's monotonic mode): a second id in the same millisecond
    is the previous one plus one, not a new random value, so ids made in a row sort in the order they
    were made. Jobs are run oldest first by (createdAt, id), and two created in the same millisecond (a
    batch, a chain's follow-ups) used to run in a random order."""
    global _last_ulid
    if now_ms is not None:
        value = (now_ms << 80) | int.from_bytes(os.urandom(10), "big")
    else:
        with _ulid_lock:
            value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
            if value >> 80 <= _last_ulid >> 80:  # the same millisecond, or the clock stepped back
                value = _last_ulid + 1
            _last_ulid = value
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))
