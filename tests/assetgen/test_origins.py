"""The Host and Origin rules as pure functions: parsing, normalising, what counts as ours."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.origins import (
    SitePolicy,
    is_allowed_host,
    is_allowed_origin,
    is_extra_origin,
    normalize_origin,
    own_origin,
    parse_allowed_host,
    parse_allowed_origin,
    split_host_header,
)

NONE = SitePolicy()


@pytest.mark.parametrize(
    ("header", "parts"),
    [
        ("127.0.0.1:8800", ("127.0.0.1", 8800)),
        ("LOCALHOST.", ("localhost", None)),
        ("[::1]:8800", ("::1", 8800)),
        ("[::1]", ("::1", None)),
        ("Assets.Studio.LAN:80", ("assets.studio.lan", 80)),
        ("::1", None),
        ("[::1", None),
        ("[::1]x", None),
        ("host:port", None),
        ("host:", None),
        ("host:123456", None),
        ("a b", None),
        ("evil.example/x", None),
        ("user@host", None),
        ("", None),
        (":80", None),
    ],
)
def test_split_host_header(header: str, parts) -> None:
    assert split_host_header(header) == parts


@pytest.mark.parametrize(
    ("host", "local", "allowed"),
    [
        ("127.0.0.1:8800", "127.0.0.1", True),
        ("localhost:8800", "127.0.0.1", True),
        ("localhost", None, True),
        ("[::1]:8800", "::1", True),
        ("127.0.0.1:8800", "::ffff:127.0.0.1", True),  # a dual-stack socket reports IPv4 as mapped IPv6
        ("192.168.1.20:8800", "192.168.1.20", True),  # bound to 0.0.0.0: the address it arrived on
        ("127.0.0.2:8800", "127.0.0.1", False),
        ("[::1]:8800", "127.0.0.1", False),
        ("evil.example:8800", "127.0.0.1", False),
        ("localhost.evil.example", "127.0.0.1", False),
        ("127.0.0.1.nip.io", "127.0.0.1", False),
        ("", "127.0.0.1", False),
        (None, "127.0.0.1", False),
    ],
)
def test_is_allowed_host(host, local, allowed) -> None:
    assert is_allowed_host(NONE, host, local) is allowed


def test_allowed_hosts_and_the_wildcard() -> None:
    policy = SitePolicy.build(hosts=["Assets.Studio.LAN", "::1"])
    assert is_allowed_host(policy, "assets.studio.lan:8800", "10.0.0.1")
    assert is_allowed_host(policy, "[::1]:8800", "127.0.0.1")
    assert not is_allowed_host(policy, "evil.example", "10.0.0.1")
    assert is_allowed_host(SitePolicy.build(hosts=["*"]), "evil.example", "10.0.0.1")


@pytest.mark.parametrize(
    ("origin", "normal"),
    [
        ("http://127.0.0.1:8800", "http://127.0.0.1:8800"),
        ("HTTP://LocalHost", "http://localhost:80"),
        ("https://example.com/", "https://example.com:443"),
        ("http://[::1]:8800", "http://[::1]:8800"),
        ("null", None),
        ("file://", None),
        ("ftp://example.com", None),
        ("http://example.com/path", None),
        ("http://user:pw@example.com", None),
        ("http://example.com:99999", None),
        ("http://example.com?x", None),
        ("", None),
    ],
)
def test_normalize_origin(origin: str, normal) -> None:
    assert normalize_origin(origin) == normal


def test_own_origin_and_is_allowed_origin() -> None:
    assert own_origin("http", "127.0.0.1:8800") == "http://127.0.0.1:8800"
    assert own_origin("http", "localhost") == "http://localhost:80"
    assert own_origin("http", "evil example") is None
    assert is_allowed_origin(NONE, "http://127.0.0.1:8800", scheme="http", host="127.0.0.1:8800")
    assert is_allowed_origin(NONE, "http://localhost", scheme="http", host="localhost:80")
    assert not is_allowed_origin(NONE, "http://127.0.0.1:8801", scheme="http", host="127.0.0.1:8800")
    assert not is_allowed_origin(NONE, "https://127.0.0.1:8800", scheme="http", host="127.0.0.1:8800")
    assert not is_allowed_origin(NONE, "http://evil.example", scheme="http", host="127.0.0.1:8800")
    assert not is_allowed_origin(NONE, "null", scheme="http", host="127.0.0.1:8800")
    policy = SitePolicy.build(origins=["http://localhost:5173"])
    assert is_allowed_origin(policy, "http://LOCALHOST:5173", scheme="http", host="127.0.0.1:8800")
    assert is_extra_origin(policy, "http://localhost:5173") and not is_extra_origin(policy, None)
    assert not is_extra_origin(policy, "http://127.0.0.1:8800")


@pytest.mark.parametrize("value", ["http://x:1:2", "x:80", "http://x", "a b", "", "/path"])
def test_parse_allowed_host_refuses_ports_and_urls(value: str) -> None:
    with pytest.raises(InvalidInput, match="allowed-host"):
        parse_allowed_host(value)


@pytest.mark.parametrize("value", ["*", "null", "localhost:5173", "http://x/app", "ws://x"])
def test_parse_allowed_origin_refuses_non_origins(value: str) -> None:
    with pytest.raises(InvalidInput, match="allow-origin"):
        parse_allowed_origin(value)
