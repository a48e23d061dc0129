"""Spec lists: intake as JSON or multipart (size-limited, plain file names), list, read, refine."""

from __future__ import annotations

import io
import json

import aiohttp
import pytest

from assetgen.models import SpecList
from assetgen.models.api import RefinementOutcomeBody, SpecListList
from assetgen.specs.intake import MAX_REFERENCE_BYTES
from tests.orchestrator.api.conftest import body_of, error_of, own_origin, tree_state

LISTS = "/api/projects/demo/spec-lists"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def test_list_and_get(client) -> None:
    body = await body_of(await client.get(LISTS), SpecListList)
    assert [s["id"] for s in body["specLists"]] == ["forest_wishlist"]
    body = await body_of(await client.get(f"{LISTS}/forest_wishlist"), SpecList)
    assert body["author"] == "producer" and body["text"].startswith("- hero knight")
    await error_of(await client.get(f"{LISTS}/nope"), 404)


async def test_intake_json(client, demo_store) -> None:
    payload = {
        "text": "- 4 coin icons, 32x32\n",
        "title": "Coins",
        "author": "ana",
        "links": ["https://example.com/coins"],
        "id": "coins",
    }
    body = await body_of(await client.post(LISTS, json=payload), SpecList, status=201)
    assert body["id"] == "coins" and body["status"] == "draft" and body["references"][0]["kind"] == "url"
    stored = json.loads((demo_store.project_dir("demo") / "spec-lists" / "coins.json").read_text())
    assert stored["text"] == payload["text"]
    await error_of(await client.post(LISTS, json=payload), 409)


async def test_intake_multipart_with_reference_files(client, demo_store) -> None:
    form = aiohttp.FormData()
    form.add_field("text", b"- mossy tile 64x64\n", filename="wishlist.txt", content_type="text/plain")
    form.add_field("title", "Tiles")
    form.add_field("id", "tiles")
    form.add_field("links", "https://example.com/a")
    form.add_field("links", "https://example.com/b")
    form.add_field("files", PNG, filename="moss.png", content_type="image/png")
    body = await body_of(
        await client.post(LISTS, data=form, headers=own_origin(client)), SpecList, status=201
    )
    assert [r["kind"] for r in body["references"]] == ["url", "url", "file"]
    stored = demo_store.resolve(body["references"][2]["path"])
    assert stored.read_bytes() == PNG and stored.parent.name == "tiles"


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ([("files", PNG, "../evil.png")], "file name"),
        ([("files", PNG, "a%2Fb.png")], "file name"),
        ([("files", b"MZ", "tool.exe")], "type"),
        ([("files", b"\0" * (MAX_REFERENCE_BYTES + 1), "big.png")], "larger"),
        ([("surprise", b"x", None)], "unknown form field"),
        ([("title", b"only a title", None)], "text"),
        ([("text", b"\xff\xfe\x00bad", None)], "UTF-8"),
        ([("text", b"- a", None), ("title", b"one", None), ("title", b"two", None)], "more than once"),
    ],
)
async def test_intake_multipart_refusals_write_nothing(client, demo_store, fields, needle) -> None:
    form = aiohttp.FormData(default_to_multipart=True)
    if not any(name == "text" for name, _, _ in fields) and needle != "text":
        form.add_field("text", "- one icon")
    for name, value, filename in fields:
        if filename is None and value.isascii():
            form.add_field(name, value.decode())
        else:
            form.add_field(
                name, io.BytesIO(value), filename=filename, content_type="application/octet-stream"
            )
    before = tree_state(demo_store.root)
    error = await error_of(await client.post(LISTS, data=form, headers=own_origin(client)), 400)
    assert needle in error["message"], error
    assert tree_state(demo_store.root) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"text": 5},
        {"text": ""},
        {"text": "- a", "links": "https://x"},
        {"text": "- a", "links": ["ftp://x"]},
        {"text": "- a", "id": "../up"},
        {"text": "- a", "title": ["t"]},
        {"text": "a\0b"},
        ["- a"],
        {},
    ],
)
async def test_intake_json_refusals_write_nothing(client, demo_store, payload) -> None:
    before = tree_state(demo_store.root)
    await error_of(await client.post(LISTS, json=payload), 400)
    assert tree_state(demo_store.root) == before


async def test_intake_malformed_json(client, demo_store) -> None:
    before = tree_state(demo_store.root)
    for raw in (b"{", b"\xff", b""):
        await error_of(await client.post(LISTS, data=raw, headers={"Content-Type": "application/json"}), 400)
    assert tree_state(demo_store.root) == before


async def test_refine_writes_specs_and_is_idempotent(client, demo_store) -> None:
    body = await body_of(await client.post(f"{LISTS}/forest_wishlist/refine"), RefinementOutcomeBody)
    assert body["status"] == "refined" and body["derivedSpecIds"] and body["written"]
    for spec_id in body["derivedSpecIds"]:
        assert demo_store.exists("demo", "specs", spec_id)
    again = await body_of(
        await client.post(f"{LISTS}/forest_wishlist/refine", json={"force": True}), RefinementOutcomeBody
    )
    assert again["derivedSpecIds"] == body["derivedSpecIds"]


@pytest.mark.parametrize("payload", [{"force": "yes"}, {"force": 1}, [True]])
async def test_refine_refuses_wrong_types(client, demo_store, payload) -> None:
    before = tree_state(demo_store.root)
    await error_of(await client.post(f"{LISTS}/forest_wishlist/refine", json=payload), 400)
    assert tree_state(demo_store.root) == before


async def test_refine_missing_list(client) -> None:
    await error_of(await client.post(f"{LISTS}/nope/refine"), 404)
