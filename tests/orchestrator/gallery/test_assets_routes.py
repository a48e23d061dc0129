"""The gallery's REST API: assets, variant pages, review POSTs, review jobs; hostile ids write nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assetgen.store import ProjectStore

BASE = "/api/projects/review_demo"
VARIANT = BASE + "/assets/potion_icon/variants/{}"


def tree_digest(root: Path) -> str:
    """A fingerprint of every file (name, size, content) under ``root``: equal means nothing was written."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".lock")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


async def test_asset_list_has_counts_and_a_thumbnail(client) -> None:
    resp = await client.get(BASE + "/assets")
    assert resp.status == 200
    data = await resp.json()
    (row,) = data["assets"]
    assert row["id"] == "potion_icon" and row["title"] == "Red health potion icon"
    assert row["counts"] == {
        "total": 12,
        "candidate": 12,
        "selected": 0,
        "rejected": 0,
        "needsRegeneration": 0,
    }
    assert row["thumbnailPath"].startswith("projects/review_demo/files/images/potion_icon/")


async def test_asset_record_and_paged_variants(client) -> None:
    asset = await (await client.get(BASE + "/assets/potion_icon")).json()
    assert [v["id"] for v in asset["versions"]] == ["ver1", "ver2"]
    page = await (await client.get(BASE + "/assets/potion_icon/variants?offset=2&limit=5")).json()
    assert page["total"] == 12 and page["offset"] == 2 and len(page["variants"]) == 5
    first = page["variants"][0]
    assert first["index"] == 2 and first["versionId"] == "ver2"  # newest version first
    assert first["metadata"]["checkpoint"]["sha256"] and first["isEligible"] is False
    default = await (await client.get(BASE + "/assets/potion_icon/variants")).json()
    assert default["limit"] == 100 and len(default["variants"]) == 12


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=abc", "status=bogus"])
async def test_bad_paging_is_a_400(client, query: str) -> None:
    resp = await client.get(BASE + f"/assets/potion_icon/variants?{query}")
    assert resp.status == 400
    assert "error" in await resp.json()


async def test_review_loop_over_http(client, review_store: ProjectStore) -> None:
    approve = await client.post(
        VARIANT.format("v00001") + "/decision", json={"decision": "approve", "by": "ana"}
    )
    assert approve.status == 200
    result = await approve.json()
    assert result["variant"]["status"] == "selected" and result["variant"]["isEligible"] is True
    assert result["counts"]["selected"] == 1 and result["changeId"]
    reject = await (
        await client.post(VARIANT.format("v00002") + "/decision", json={"decision": "reject"})
    ).json()
    assert reject["variant"]["status"] == "rejected"
    await client.post(VARIANT.format("v00001") + "/primary", json={"by": "ana"})
    moved = await (await client.post(VARIANT.format("v00003") + "/primary", json={"by": "bo"})).json()
    assert moved["primaryVariantId"] == "v00003" and moved["changedVariantIds"] == ["v00001"]
    chip = await (
        await client.post(VARIANT.format("v00003") + "/tags", json={"toggle": "verdict:great"})
    ).json()
    assert chip["variant"]["tags"] == ["verdict:great"]
    chip = await (
        await client.post(VARIANT.format("v00003") + "/tags", json={"toggle": "verdict:usable"})
    ).json()
    assert chip["variant"]["tags"] == ["verdict:usable"]  # exclusive group: single choice
    free = await (await client.post(VARIANT.format("v00003") + "/tags", json={"add": ["glossy"]})).json()
    assert free["variant"]["tags"] == ["verdict:usable", "glossy"]
    note = await (
        await client.post(VARIANT.format("v00003") + "/note", json={"note": " cork too dark "})
    ).json()
    assert note["variant"]["reviewNote"] == "cork too dark"
    rating = await (await client.post(VARIANT.format("v00003") + "/rating", json={"rating": 4})).json()
    assert rating["variant"]["rating"] == 4

    undone = await client.post(VARIANT.format("v00003") + "/undo", json={"changeId": moved["changeId"]})
    assert undone.status == 200
    assert (await undone.json())["primaryVariantId"] == "v00001"  # the old primary is back

    asset = review_store.read("review_demo", "assets", "potion_icon")
    primaries = [ver.primary_variant_id for ver in asset.versions if ver.primary_variant_id]
    assert primaries == ["v00001"]
    v3 = next(v for ver in asset.versions for v in ver.variants if v.id == "v00003")
    assert v3.review_note == "cork too dark" and v3.rating == 4 and v3.tags == ["verdict:usable", "glossy"]
    assert {e.by for e in v3.review_history} >= {"bo", "reviewer"}


async def test_undo_without_anything_to_undo_is_a_400(client) -> None:
    resp = await client.post(VARIANT.format("v00005") + "/undo", json={})
    assert resp.status == 400


async def test_undo_after_someone_changed_the_field_is_a_conflict(client) -> None:
    first = await (
        await client.post(VARIANT.format("v00005") + "/decision", json={"decision": "approve"})
    ).json()
    await client.post(VARIANT.format("v00005") + "/decision", json={"decision": "reject", "by": "other"})
    resp = await client.post(VARIANT.format("v00005") + "/undo", json={"changeId": first["changeId"]})
    assert resp.status == 409


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (VARIANT.format("v00001") + "/decision", {"decision": "explode"}),
        (VARIANT.format("v00001") + "/decision", {"decision": "approve", "by": ""}),
        (VARIANT.format("v00001") + "/note", {"note": "x" * 2001}),
        (VARIANT.format("v00001") + "/rating", {"rating": 6}),
        (VARIANT.format("v00001") + "/tags", {"add": ["  "]}),
        (VARIANT.format("v00001") + "/tags", {"add": "not-a-list"}),
        (VARIANT.format("..") + "/decision", {"decision": "approve"}),
        (VARIANT.format("v%2F..%2F..") + "/decision", {"decision": "approve"}),
        (BASE + "/assets/..%2Fjobs/variants/v00001/decision", {"decision": "approve"}),
        ("/api/projects/..%2F..%2Fetc/assets/potion_icon/variants/v00001/decision", {"decision": "approve"}),
        (BASE + "/assets/potion_icon/variants/nope/decision", {"decision": "approve"}),
        (BASE + "/assets/missing/variants/v00001/primary", {}),
        ("/api/projects/nope/assets/potion_icon/variants/v00001/note", {"note": "x"}),
        (BASE + "/assets/potion_icon/pack", {"atlasId": "../evil"}),
        (BASE + "/assets/potion_icon/bg-remove", {"variantIds": ["../../x"]}),
        (BASE + "/assets/potion_icon/regenerate", {"variants": 0}),
    ],
)
async def test_hostile_or_bad_requests_are_4xx_json_and_write_nothing(
    client, review_store: ProjectStore, path: str, body: dict
) -> None:
    before = tree_digest(review_store.root)
    resp = await client.post(path, json=body)
    assert 400 <= resp.status < 500, (path, resp.status)
    assert (await resp.json())["error"]["message"]
    assert tree_digest(review_store.root) == before


async def test_not_json_body_is_a_400(client) -> None:
    resp = await client.post(
        VARIANT.format("v00001") + "/note", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400
    resp = await client.post(VARIANT.format("v00001") + "/note", data=b'{"note": "x"}')
    assert resp.status == 415  # a body not declared as JSON is never read as JSON


async def test_regenerate_queues_a_generate_job_with_a_new_seed(client, review_store: ProjectStore) -> None:
    await client.post(
        VARIANT.format("v00004") + "/decision", json={"decision": "needs_regeneration", "note": "pose"}
    )
    resp = await client.post(BASE + "/assets/potion_icon/regenerate", json={"variants": 4})
    assert resp.status == 201
    (job,) = (await resp.json())["jobs"]
    assert job["type"] == "generate" and job["status"] == "queued"
    assert job["input"]["specId"] == "potion_icon" and job["input"]["variants"] == 4
    seed = job["input"]["overrides"]["seed"]
    assert isinstance(seed, int) and 0 <= seed < 2**32
    assert job["input"]["reviewFeedback"][0]["variantId"] == "v00004"
    assert review_store.exists("review_demo", "jobs", job["id"])
    # new means new: not a seed the asset already has, and not the same twice
    asset = review_store.read("review_demo", "assets", "potion_icon")
    used = {v.seed for version in asset.versions for v in version.variants}
    again = await client.post(BASE + "/assets/potion_icon/regenerate", json={})
    second = (await again.json())["jobs"][0]["input"]["overrides"]["seed"]
    assert seed not in used and second not in used and second != seed


async def test_background_removal_and_packing_take_approved_variants_only(client) -> None:
    refused = await client.post(VARIANT.format("v00006") + "/bg-remove", json={})
    assert refused.status == 409
    nothing = await client.post(BASE + "/assets/potion_icon/pack", json={})
    assert nothing.status == 409
    await client.post(VARIANT.format("v00006") + "/decision", json={"decision": "approve"})
    await client.post(VARIANT.format("v00007") + "/primary", json={})
    one = await (await client.post(VARIANT.format("v00006") + "/bg-remove", json={})).json()
    assert one["jobs"][0]["input"] == {"assetId": "potion_icon", "versionId": "ver2", "variantId": "v00006"}
    every = await (await client.post(BASE + "/assets/potion_icon/bg-remove", json={})).json()
    assert sorted(j["input"]["variantId"] for j in every["jobs"]) == ["v00006", "v00007"]
    pack = await (await client.post(BASE + "/assets/potion_icon/pack", json={})).json()
    frames = pack["jobs"][0]["input"]["frames"]
    assert frames[0] == {"assetId": "potion_icon", "variantId": "v00007"}  # primary first
    assert pack["jobs"][0]["input"]["atlasId"] == "potion_icon-atlas" and len(pack["warnings"]) == 2


async def test_review_config_lists_the_tag_groups(client) -> None:
    data = await (await client.get(BASE + "/review-config")).json()
    verdict = next(g for g in data["tagGroups"] if g["id"] == "verdict")
    assert verdict["exclusive"] is True and verdict["tags"][0]["id"] == "verdict:great"


async def test_files_are_served_with_etags_and_refuse_everything_else(client) -> None:
    path = "/files/projects/review_demo/files/images/potion_icon/original/v00001.png"
    resp = await client.get(path)
    assert resp.status == 200 and resp.content_type == "image/png"
    assert resp.headers["ETag"] and "max-age" in resp.headers["Cache-Control"]
    again = await client.get(path, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status == 304
    for bad, status in [
        ("/files/projects/review_demo/files/images/potion_icon/original/missing.png", 404),
        ("/files/projects/review_demo/project.json", 400),
        ("/files/projects/review_demo/files/../assets/potion_icon.json", 400),
        ("/files/projects/review_demo/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/files/projects/..%2f..%2fetc/files/passwd", 400),
        ("/files/etc/passwd", 400),
    ]:
        resp = await client.get(bad)
        assert resp.status == status, bad
        assert "error" in await resp.json()


async def test_files_refuse_a_symlink_out_of_the_data_root(
    client, review_store: ProjectStore, tmp_path
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    link = review_store.project_dir("review_demo") / "files" / "images" / "link.png"
    link.symlink_to(secret)
    resp = await client.get("/files/projects/review_demo/files/images/link.png")
    assert resp.status == 400


async def test_gallery_page_and_redirects(client) -> None:
    root = await client.get("/", allow_redirects=False)
    assert root.status == 302 and root.headers["Location"] == "/gallery/"
    page = await client.get("/gallery/")
    assert page.status == 200 and '<script type="module"' in await page.text()
    script = await client.get("/gallery/app.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    for bad in ["/gallery/..%2f..%2fpyproject.toml", "/gallery/nope.js", "/gallery/app.py"]:
        assert (await client.get(bad)).status == 404, bad


async def test_with_a_token_the_shell_is_public_and_the_api_is_not(aiohttp_client, review_store) -> None:
    from assetgen.settings import Settings
    from orchestrator.api import create_app

    client = await aiohttp_client(create_app(Settings.from_env(data_dir=review_store.root), token="s3cret"))
    assert (await client.get("/gallery/")).status == 200
    assert (await client.get("/gallery/app.js")).status == 200
    assert (await client.get(BASE + "/assets")).status == 401
    assert (
        await client.get("/files/projects/review_demo/files/images/potion_icon/original/v00001.png")
    ).status == 401
    assert (await client.get(BASE + "/assets?token=s3cret")).status == 200
