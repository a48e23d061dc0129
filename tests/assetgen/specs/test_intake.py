"""Intake: wishlists stored verbatim with references; hostile input refused with a clear error."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assetgen.errors import Conflict, InvalidInput, NotFound
from assetgen.specs.intake import (
    MAX_REFERENCE_BYTES,
    MAX_WISHLIST_BYTES,
    ReferenceFile,
    decode_wishlist,
    intake_request,
    intake_wishlist,
)
from assetgen.specs.refine import refine_spec_list
from assetgen.store import ProjectStore
from tests.conftest import DEMO_PROJECT

NOW = "2026-01-01T00:00:00Z"


def test_intake_stores_the_text_verbatim(demo_store: ProjectStore) -> None:
    text = "\ufeff- 6 potion icons\r\n- ünïcode hero character  \n"
    spec_list = intake_wishlist(
        demo_store,
        "demo",
        text.encode("utf-8"),
        title=" My  list ",
        author="ana",
        spec_list_id="wl1",
        now=NOW,
    )
    stored = demo_store.read("demo", "spec-lists", "wl1")
    assert stored.text == text.lstrip("\ufeff") and stored.status == "draft"
    assert stored.title == "My list" and stored.author == "ana" and stored.created_at == NOW
    assert spec_list == stored


def test_intake_defaults_id_and_title(demo_store: ProjectStore) -> None:
    spec_list = intake_wishlist(demo_store, "demo", "# comment\n- hero knight character\n")
    assert len(spec_list.id) == 26 and spec_list.title == "hero knight character"
    assert "author" not in json.loads(demo_store.record_path("demo", "spec-lists", spec_list.id).read_text())


def test_intake_links_and_files(demo_store: ProjectStore) -> None:
    spec_list = intake_wishlist(
        demo_store,
        "demo",
        "ring icon, ref 1, see sketch.png",
        links=["https://example.com/ring.png"],
        files=[ReferenceFile("sketch.png", b"\x89PNG fake")],
        spec_list_id="wl2",
    )
    assert [r.kind for r in spec_list.references] == ["url", "file"]
    stored_path = spec_list.references[1].path
    assert stored_path == "projects/demo/files/references/wl2/sketch.png"
    assert demo_store.resolve(stored_path).read_bytes() == b"\x89PNG fake"
    outcome = refine_spec_list(demo_store, "demo", "wl2")
    spec = demo_store.read("demo", "specs", outcome.spec_list.derived_spec_ids[0])
    assert [r.url or r.path for r in spec.references] == ["https://example.com/ring.png", stored_path]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"links": ["ftp://x"]}, "not an http"),
        ({"links": ["https://a b"]}, "white space"),
        ({"files": [ReferenceFile("../evil.png", b"x")]}, "reference file name"),
        ({"files": [ReferenceFile("a/b.png", b"x")]}, "reference file name"),
        ({"files": [ReferenceFile("evil.exe", b"x")]}, "unsupported type"),
        ({"files": [ReferenceFile("a.png", b"x"), ReferenceFile("A.png", b"y")]}, "twice"),
        ({"files": [ReferenceFile("a.png", b"")]}, "empty"),
        ({"files": [ReferenceFile("a.png", b"x" * (MAX_REFERENCE_BYTES + 1))]}, "limit"),
        ({"links": ["https://e.x/"] * 21}, "limit is 20"),
        ({"title": "t" * 500}, "limit 200"),
        ({"author": "a\x01b"}, "control characters"),
        ({"spec_list_id": "../x"}, "spec list id"),
    ],
)
def test_intake_refuses_bad_input(demo_store: ProjectStore, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        intake_wishlist(demo_store, "demo", "coin icon", **kwargs)
    assert not (demo_store.project_dir("demo") / "files").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * (10 * 1024 * 1024), "10.0 MiB; the limit is 1.0 MiB"),
        (bytes(range(256)) * 10, "not UTF-8"),
        (b"coin icon\x00\x00", "NUL"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f" * 3, "binary"),
        (b"   \n\t\n", "empty"),
    ],
)
def test_hostile_wishlists_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        decode_wishlist(data)


def test_intake_conflicts_and_unknown_project(demo_store: ProjectStore) -> None:
    intake_wishlist(demo_store, "demo", "coin icon", spec_list_id="wl3")
    with pytest.raises(Conflict, match="wl3"):
        intake_wishlist(demo_store, "demo", "coin icon", spec_list_id="wl3")
    with pytest.raises(NotFound, match="nope"):
        intake_wishlist(demo_store, "nope", "coin icon")


@pytest.mark.parametrize(
    "body",
    [
        {"text": 5},
        {"text": "coin icon", "links": "https://x"},
        {"text": "coin icon", "title": ["a"]},
        ["coin icon"],
        "coin icon",
        None,
    ],
)
def test_intake_request_with_wrong_types_is_invalid_input(demo_store: ProjectStore, body: object) -> None:
    with pytest.raises(InvalidInput, match="intake request"):
        intake_request(demo_store, "demo", body)


def test_intake_request_ok(demo_store: ProjectStore) -> None:
    spec_list = intake_request(
        demo_store, "demo", {"text": "coin icon", "id": "wl4", "links": ["https://e.x/"]}
    )
    assert spec_list.id == "wl4" and spec_list.references[0].url == "https://e.x/"


def test_exactly_the_limit_is_accepted() -> None:
    assert len(decode_wishlist(b"a" * MAX_WISHLIST_BYTES)) == MAX_WISHLIST_BYTES


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(min_size=1, max_size=400),
    list_id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True),
)
def test_intake_and_refine_never_crash_or_write_outside_the_project(text: str, list_id: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
        before = {p for p in Path(tmp).rglob("*")}
        store = ProjectStore(root)
        try:
            intake_wishlist(store, "demo", text, spec_list_id=list_id)
        except InvalidInput:
            return  # empty or binary-looking text: a clear error is the right answer
        outcome = refine_spec_list(store, "demo", list_id)
        project = store.project_dir("demo")
        for path in set(Path(tmp).rglob("*")) - before:
            if path.is_file():
                assert path.parent in (project / "specs", project / "spec-lists"), path
                assert not path.name.startswith("."), f"temp file left behind: {path}"
        for spec_id in outcome.spec_list.derived_spec_ids:
            assert store.exists("demo", "specs", spec_id)
        assert all(path.is_relative_to(root) for path in Path(tmp).rglob("*") if path != root)
