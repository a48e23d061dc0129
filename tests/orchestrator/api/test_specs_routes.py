"""Specs: list with readiness, read, replace (atomic, unknown fields kept), plan, validate."""

from __future__ import annotations

import json

import pytest

from assetgen.models import AssetSpec
from assetgen.models.api import SpecOverviewList, SpecValidationBody
from assetgen.models.generation import GenerationPlan
from tests.orchestrator.api.conftest import JSON_TYPE, body_of, error_of, tree_state

SPECS = "/api/projects/demo/specs"


async def test_list_specs_with_readiness(client) -> None:
    body = await body_of(await client.get(SPECS), SpecOverviewList)
    by_id = {entry["specId"]: entry for entry in body["specs"]}
    assert set(by_id) == {"hero_knight_walk", "potion_icon"}
    potion = by_id["potion_icon"]
    assert potion["valid"] and potion["spec"]["title"] == "Red health potion icon"
    assert isinstance(potion["ready"], bool) and isinstance(potion["readinessIssues"], list)


async def test_list_reports_an_unreadable_spec_file(client, demo_store) -> None:
    (demo_store.project_dir("demo") / "specs" / "broken.json").write_text("{nope")
    body = await body_of(await client.get(SPECS), SpecOverviewList)
    broken = next(e for e in body["specs"] if e["specId"] == "broken")
    assert broken["spec"] is None and not broken["valid"] and broken["errors"][0]["field"] == "(file)"


async def test_get_spec_and_missing_spec(client) -> None:
    body = await body_of(await client.get(f"{SPECS}/potion_icon"), AssetSpec)
    assert body["id"] == "potion_icon" and body["checkpointId"] == "ckpt_sd15_demo"
    error = await error_of(await client.get(f"{SPECS}/nope"), 404)
    assert error["type"] == "NotFound" and "nope" in error["message"]
    await error_of(await client.get("/api/projects/nope/specs/potion_icon"), 404)


async def test_put_replaces_keeps_unknown_fields_and_created_at(client, demo_store) -> None:
    spec = (await (await client.get(f"{SPECS}/potion_icon")).json()) | {"title": "Blue mana potion"}
    spec["customNote"] = {"by": "art lead", "keep": True}
    body = await body_of(await client.put(f"{SPECS}/potion_icon", json=spec), AssetSpec)
    assert body["title"] == "Blue mana potion" and body["customNote"] == {"by": "art lead", "keep": True}
    on_disk = json.loads((demo_store.project_dir("demo") / "specs" / "potion_icon.json").read_text())
    assert on_disk["customNote"]["by"] == "art lead" and on_disk["title"] == "Blue mana potion"
    assert on_disk["createdAt"] == "2026-11-24T21:02:00Z" and on_disk["updatedAt"] != "2026-11-24T21:02:00Z"
    assert not list((demo_store.project_dir("demo") / "specs").glob(".*"))  # no temp files left


async def test_put_creates_a_new_spec(client, demo_store) -> None:
    spec = (await (await client.get(f"{SPECS}/potion_icon")).json()) | {"id": "potion_blue"}
    spec.pop("createdAt")
    body = await body_of(await client.put(f"{SPECS}/potion_blue", json=spec), AssetSpec)
    assert body["createdAt"] and demo_store.exists("demo", "specs", "potion_blue")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"id": "other"}, "differs"),
        ({"projectId": "elsewhere"}, "projectId"),
        ({"style": "no_such_style"}, "style"),
        ({"title": 42}, "title"),
        ({"prompt": "just text"}, "prompt"),
        ({"tier": 9}, "tier"),
        ({"status": "shipped"}, "status"),
    ],
)
async def test_put_refuses_a_bad_spec_and_writes_nothing(client, demo_store, change, needle) -> None:
    spec = (await (await client.get(f"{SPECS}/potion_icon")).json()) | change
    before = tree_state(demo_store.root)
    error = await error_of(await client.put(f"{SPECS}/potion_icon", json=spec), 400)
    assert needle in error["message"]
    assert tree_state(demo_store.root) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b'"text"', b"\xff\xfe{}", b"null"])
async def test_put_malformed_body_is_400(client, demo_store, raw) -> None:
    before = tree_state(demo_store.root)
    await error_of(await client.put(f"{SPECS}/potion_icon", data=raw, headers=JSON_TYPE), 400)
    assert tree_state(demo_store.root) == before


async def test_plan_explains_prompts_loras_and_seeds(client) -> None:
    body = await body_of(await client.get(f"{SPECS}/potion_icon/plan?variants=3&seed=7"), GenerationPlan)
    assert len(body["seeds"]) == 3 and body["checkpoint"]["id"] == "ckpt_sd15_demo"
    assert body["prompt"]["positive"] and body["promptTrace"]
    assert isinstance(body["loraDecisions"], list)
    again = await (await client.get(f"{SPECS}/potion_icon/plan?variants=3&seed=7")).json()
    assert again["seeds"] == body["seeds"]


@pytest.mark.parametrize(
    "query",
    ["variants=abc", "variants=0", "seed=-1", "bogus=1", "variants=2&variants=3", "templateId=..%2Fx"],
)
async def test_plan_refuses_bad_queries(client, query) -> None:
    await error_of(await client.get(f"{SPECS}/potion_icon/plan?{query}"), 400)


async def test_plan_unknown_checkpoint_or_spec(client) -> None:
    await error_of(await client.get(f"{SPECS}/potion_icon/plan?checkpointId=nope"))
    await error_of(await client.get(f"{SPECS}/nope/plan"), 404)


async def test_validate_all_and_some(client) -> None:
    body = await body_of(await client.post(f"{SPECS}/validate"), SpecValidationBody)
    assert body["valid"] and body["specs"] == 2
    body = await body_of(
        await client.post(f"{SPECS}/validate", json={"specIds": ["potion_icon"]}), SpecValidationBody
    )
    assert [c["specId"] for c in body["checks"]] == ["potion_icon"]
    body = await body_of(
        await client.post(f"{SPECS}/validate", json={"specIds": ["missing"]}), SpecValidationBody
    )
    assert not body["valid"]


@pytest.mark.parametrize(
    "payload", [{"specIds": "potion_icon"}, {"specIds": [1]}, {"specIds": ["../x"]}, [1]]
)
async def test_validate_refuses_bad_bodies(client, payload) -> None:
    await error_of(await client.post(f"{SPECS}/validate", json=payload), 400)
