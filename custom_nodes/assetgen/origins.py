"""Which hosts and origins may talk to the server: the rules against cross-site requests and DNS rebinding.

A browser lets any web page send "simple" requests (GET, or a POST of text/plain, a URL-encoded or a
multipart form) to ``127.0.0.1``, and a DNS-rebinding page can even read the answers: its own name
(``evil.example``) is made to resolve to our address, so the browser thinks it is same-origin. Two
header checks stop both, whatever route is asked for:

- the ``Host`` header must name the address the connection arrived on, ``localhost``, or a name the
  operator allowed (a rebinding page sends its own name);
- an ``Origin`` header, which browsers send on every POST and every cross-origin fetch (not on an
  embedded GET such as ``<img>``: the middleware refuses those by ``Sec-Fetch-Site``), must be the
  server's own origin (scheme, host and port of the request) or one the operator allowed.

Pure functions over header strings (no aiohttp here): the API's site middleware
(``orchestrator/api/middleware.py``) applies them, and so does the managed ComfyUI's Host guard
(``nodes/host_guard.py``), since ComfyUI itself checks Origin but not Host.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from assetgen.errors import InvalidInput

ANY_HOST = "*"
# Set by orchestrator/comfy_process.py in the managed ComfyUI's environment: the node pack then adds
# its Host guard to ComfyUI's server (a ComfyUI you run yourself, under any name, is left as it is).
COMFYUI_HOST_GUARD_ENV = "ASSETGEN_COMFYUI_HOST_GUARD"
LOCAL_NAMES = frozenset({"localhost"})
DEFAULT_PORTS = {"http": 80, "https": 443}
_BAD_NAME = re.compile(r"[\s/\\@?#]")  # characters no host name or address has


@dataclass(frozen=True)
class SitePolicy:
    """The operator's additions to the built-in rules: extra Host names and extra allowed origins.

    ``allowed_hosts`` holds lower-case names or addresses (``*`` turns the Host check off);
    ``allowed_origins`` holds normalised origins (see ``normalize_origin``).
    """

    allowed_hosts: frozenset[str] = frozenset()
    allowed_origins: frozenset[str] = frozenset()

    @classmethod
    def build(cls, *, hosts: Iterable[str] = (), origins: Iterable[str] = ()) -> SitePolicy:
        """A policy from operator input; a malformed host name or origin is ``InvalidInput``."""
        return cls(
            allowed_hosts=frozenset(parse_allowed_host(h) for h in hosts),
            allowed_origins=frozenset(parse_allowed_origin(o) for o in origins),
        )


def split_host_header(host: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a Host header (``name``, ``name:port``, ``[v6]:port``); None when malformed.

    The name is lower-cased and loses a trailing dot (``localhost.`` is ``localhost``).
    """
    host = host.strip()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return None
        name, rest = host[1:end], host[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    elif host.count(":") > 1:
        return None  # a bare IPv6 address must be bracketed in Host
    else:
        name, _, port_text = host.partition(":")
        port_text = port_text if ":" in host else None
    if port_text is not None and not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return None
    name = name.lower().rstrip(".")
    if not name or _BAD_NAME.search(name):
        return None
    return name, int(port_text) if port_text is not None else None


def _same_address(name: str, address: str) -> bool:
    """True when ``name`` is an IP literal equal to ``address`` (IPv4-mapped IPv6 counts as IPv4)."""
    if name == address:
        return True  # the usual case, without parsing
    try:
        given, local = ipaddress.ip_address(name), ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(local, ipaddress.IPv6Address) and local.ipv4_mapped is not None:
        local = local.ipv4_mapped
    if isinstance(given, ipaddress.IPv6Address) and given.ipv4_mapped is not None:
        given = given.ipv4_mapped
    return given == local


def is_allowed_host(policy: SitePolicy, host: str | None, local_address: str | None) -> bool:
    """True when the Host header names ``local_address`` (where the connection arrived), localhost or an
    allowed name. A missing or malformed Host is refused unless the operator allowed any host."""
    if ANY_HOST in policy.allowed_hosts:
        return True
    parts = split_host_header(host) if host else None
    if parts is None:
        return False
    name = parts[0]
    if name in LOCAL_NAMES or name in policy.allowed_hosts:
        return True
    return local_address is not None and _same_address(name, local_address)


def normalize_origin(origin: str) -> str | None:
    """``scheme://host:port`` (lower case, explicit port) of an http(s) origin; None for anything else.

    ``null`` (sandboxed frames, file pages), paths, user info and other schemes are not origins we accept.
    """
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = parts.hostname.lower().rstrip(".")
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port if port is not None else DEFAULT_PORTS[scheme]}"


def own_origin(scheme: str, host: str | None) -> str | None:
    """The normalised origin a page served by this request's URL would have (None for a bad Host)."""
    parts = split_host_header(host) if host else None
    if parts is None or scheme not in DEFAULT_PORTS:
        return None
    name, port = parts
    shown = f"[{name}]" if ":" in name else name
    return f"{scheme}://{shown}:{port if port is not None else DEFAULT_PORTS[scheme]}"


def is_allowed_origin(policy: SitePolicy, origin: str, *, scheme: str, host: str | None) -> bool:
    """True when ``origin`` is the request's own origin (scheme, Host name and port) or an allowed one."""
    if host and split_host_header(host) is not None and origin == f"{scheme}://{host}":
        return True  # how a browser writes our own origin when Host is as it sent it: no parsing
    normal = normalize_origin(origin)
    if normal is None:
        return False
    return normal == own_origin(scheme, host) or normal in policy.allowed_origins


def is_extra_origin(policy: SitePolicy, origin: str | None) -> bool:
    """True when ``origin`` is one the operator allowed (it gets CORS headers; our own origin needs none)."""
    normal = normalize_origin(origin) if origin else None
    return normal is not None and normal in policy.allowed_origins


def parse_allowed_host(value: str) -> str:
    """An ``--allowed-host`` value as the policy keeps it: a host name or address, or ``*``."""
    text = value.strip()
    if text == ANY_HOST:
        return ANY_HOST
    parts = split_host_header(text if not _is_bare_ipv6(text) else f"[{text}]")
    if parts is None or parts[1] is not None:
        raise InvalidInput(f"--allowed-host {value!r} is not a host name or address (no port, no scheme)")
    return parts[0]


def _is_bare_ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


def parse_allowed_origin(value: str) -> str:
    """An ``--allow-origin`` value normalised (``http://host:port``); anything else is ``InvalidInput``."""
    normal = normalize_origin(value)
    if normal is None:
        raise InvalidInput(
            f"--allow-origin {value!r} is not an origin; give scheme://host[:port], e.g. http://localhost:5173"
        )
    return normal
