"""The error middleware's JSON body, the site guard (Host, Origin, simple bodies) and bearer-token auth.

The site-guard tests walk the router, so routes added later are covered without a line here.
"""

from __future__ import annotations

import json
import re

import aiohttp
import pytest

from assetgen.origins import SitePolicy
from orchestrator.api import create_app
from tests.orchestrator.api.conftest import JSON_TYPE, error_of, own_origin, settings_for, tree_state
from tests.review_factory import build_review_project

TOKEN = "s3cret-token"
PROBES = [
    ("GET", "/api/projects"),
    ("GET", "/api/projects/demo/specs"),
    ("GET", "/api/projects/demo/jobs"),
    ("POST", "/api/projects/demo/jobs"),
    ("GET", "/api/projects/demo/jobs/events"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/no/such/route"),
]


@pytest.fixture
async def locked(aiohttp_client, demo_store):
    return await aiohttp_client(create_app(settings_for(demo_store), token=TOKEN))


@pytest.mark.parametrize(("method", "path"), PROBES)
@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer ", f"Basic {TOKEN}", TOKEN + "x"])
async def test_without_the_right_token_is_401(locked, method, path, header) -> None:
    headers = {"Authorization": header} if header is not None else {}
    await error_of(await locked.request(method, path, headers=headers), 401)


async def test_the_right_token_passes(locked) -> None:
    response = await locked.get("/api/projects", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200 and (await response.json())["projects"] == ["demo"]
    response = await locked.get(f"/api/projects/demo/jobs?token={TOKEN}")  # EventSource cannot set headers
    assert response.status == 200


async def test_unknown_route_and_method_are_json(client) -> None:
    await error_of(await client.get("/api/nothing"), 404)
    await error_of(await client.delete("/api/projects/demo/specs/potion_icon"), 405)


async def test_body_too_large_is_413_json(client) -> None:
    big = b"x" * (33 * 2**20)
    await error_of(await client.post("/api/projects/demo/jobs", data=big, headers=JSON_TYPE), 413)


# --- The site guard: other web pages cannot use the server (Host, Origin, simple bodies) ---------------

EVIL_ORIGIN = "http://evil.example"
EVIL_HOST = "evil.example:8878"
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
SITE_IDS = {
    "project_id": "demo",
    "spec_id": "potion_icon",
    "spec_list_id": "forest_wishlist",
    "job_id": "job_a",
    "asset_id": "potion_icon",
    "variant_id": "v00001",
}
JOBS = "/api/projects/{project_id}/jobs"
# Bodies that the routes accept (a route added later gets {}: the guard must refuse it all the same).
SITE_BODIES = {
    "/api/projects": {"id": "evil_project"},
    JOBS: {"type": "generate", "input": {"specId": "potion_icon"}},
    "/api/projects/{project_id}/spec-lists": {"text": "- one evil coin icon", "id": "evil_list"},
    "/decision": {"decision": "rejected", "by": "evil"},
    "/note": {"note": "evil", "by": "evil"},
    "/tags": {"add": ["evil"], "by": "evil"},
    "/rating": {"rating": 1, "by": "evil"},
    "/regenerate": {"by": "evil"},
}
IMAGE_URL = "/files/projects/demo/files/images/potion_icon/original/v00001.png"  # build_review_project's
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


@pytest.fixture
async def site(aiohttp_client, demo_store):
    """A client over the demo project plus a reviewable asset and a queued job ``job_a``."""
    build_review_project(demo_store, project_id="demo", variants=4)
    client = await aiohttp_client(create_app(settings_for(demo_store)))
    queued = await client.post("/api/projects/demo/jobs", json={**SITE_BODIES[JOBS], "id": "job_a"})
    assert queued.status == 201, await queued.text()
    return client


def site_routes(app, methods: tuple[str, ...] | None = None) -> list[tuple[str, str, dict]]:
    """(method, url, JSON body) of every route of the router (HEAD and wildcards left out), ids filled in."""
    found = []
    for route in app.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        if methods is not None and route.method not in methods:
            continue
        path = route.resource.canonical
        url = _PARAM.sub(lambda m: SITE_IDS.get(m.group(1), "x"), path)
        if url.startswith("/files/"):
            url = IMAGE_URL
        elif url == "/gallery/x":
            url = "/gallery/app.js"
        body = SITE_BODIES.get(path) or next((b for k, b in SITE_BODIES.items() if path.endswith(k)), {})
        found.append((route.method, url, body))
    return found


def attacks(body: dict) -> list[tuple[str, dict]]:
    """What a foreign page can send: a text/plain, URL-encoded, multipart or JSON body, from its origin
    (or from ``null``: a sandboxed frame or a redirect)."""
    text = json.dumps(body)
    made = []
    for origin in (EVIL_ORIGIN, "null", "http://127.0.0.1:1"):
        form = aiohttp.FormData({k: json.dumps(v) for k, v in body.items()})  # a FormData is sent once
        multipart = aiohttp.FormData({"text": "- evil"}, default_to_multipart=True)
        made += [
            ("text/plain", {"data": text, "headers": {"Content-Type": "text/plain", "Origin": origin}}),
            ("form", {"data": form, "headers": {"Origin": origin}}),
            ("multipart", {"data": multipart, "headers": {"Origin": origin}}),
            ("json", {"json": body, "headers": {"Origin": origin}}),
        ]
    return made


async def test_cross_origin_requests_to_every_state_changing_route_are_403(site, demo_store) -> None:
    routes = site_routes(site.server.app, STATE_CHANGING)
    assert len(routes) >= 15
    before = tree_state(demo_store.root)
    for method, url, body in routes:
        for kind, options in attacks(body):
            response = await site.request(method, url, **options)
            error = await error_of(response, 403)
            assert "cross-origin" in error["message"], (method, url, kind, error)
    assert tree_state(demo_store.root) == before
    # The same JSON bodies from the server's own origin do change the store: the refusals were the guard.
    for method, url, body in routes:
        await site.request(method, url, json=body, headers=own_origin(site))
    assert tree_state(demo_store.root) != before


async def test_simple_bodies_without_origin_are_415_and_multipart_is_403(site, demo_store) -> None:
    """What an old browser (no Origin) could send cross-site is refused on every state-changing route."""
    before = tree_state(demo_store.root)
    for method, url, body in site_routes(site.server.app, STATE_CHANGING):
        for content_type in ("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"):
            response = await site.request(
                method, url, data=json.dumps(body), headers={"Content-Type": content_type}
            )
            await error_of(response, 415)
        multipart = aiohttp.FormData({"text": "- evil"}, default_to_multipart=True)
        error = await error_of(await site.request(method, url, data=multipart), 403)
        assert "multipart" in error["message"]
    assert tree_state(demo_store.root) == before


async def test_a_body_not_declared_as_json_is_415(site, demo_store) -> None:
    before = tree_state(demo_store.root)
    body = json.dumps(SITE_BODIES[JOBS]).encode()
    for headers in ({}, {"Content-Type": "application/octet-stream"}, {"Content-Type": "image/png"}):
        await error_of(await site.post("/api/projects/demo/jobs", data=body, headers=headers), 415)
    assert tree_state(demo_store.root) == before
    typed = {"Content-Type": "application/json; charset=utf-8"}
    assert (await site.post("/api/projects/demo/jobs", data=body, headers=typed)).status == 201


async def test_a_foreign_host_is_421_on_every_route(site, demo_store) -> None:
    """A DNS-rebinding page sends its own name as Host: API, files, gallery and event streams refuse it."""
    routes = site_routes(site.server.app)
    assert {"/api/events", IMAGE_URL, "/gallery/app.js"} <= {u for _, u, _ in routes}
    before = tree_state(demo_store.root)
    port = site.server.port
    hosts = [
        EVIL_HOST,
        f"evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"localhost.evil.example:{port}",
    ]
    hosts += [f"10.1.2.3:{port}", f"[::1]:{port}", "", "a b", f"127.0.0.1:{port}:1"]
    for method, url, body in routes:
        for host in hosts:
            response = await site.request(
                method, url, json=body if method != "GET" else None, headers={"Host": host}
            )
            error = await error_of(response, 421)
            assert "Host" in error["message"], (method, url, host)
    assert tree_state(demo_store.root) == before


async def test_own_names_for_the_host_pass(site) -> None:
    port = site.server.port
    for host in (f"127.0.0.1:{port}", "127.0.0.1", f"localhost:{port}", f"LocalHost.:{port}"):
        response = await site.get("/api/projects", headers={"Host": host})
        assert response.status == 200, (host, await response.text())


async def test_allowed_host_names_pass(aiohttp_client, demo_store) -> None:
    policy = SitePolicy.build(hosts=["assets.studio.lan", "10.1.2.3"])
    client = await aiohttp_client(create_app(settings_for(demo_store), site_policy=policy))
    for host, status in (("assets.studio.lan:8800", 200), ("10.1.2.3", 200), ("evil.example", 421)):
        assert (await client.get("/api/projects", headers={"Host": host})).status == status, host
    anything = await aiohttp_client(
        create_app(settings_for(demo_store), site_policy=SitePolicy.build(hosts=["*"]))
    )
    assert (await anything.get("/api/projects", headers={"Host": "evil.example"})).status == 200


async def test_the_own_origin_passes_and_near_misses_do_not(site) -> None:
    port = site.server.port
    job = SITE_BODIES[JOBS]
    ok = await site.post("/api/projects/demo/jobs", json=job, headers={"Origin": f"http://127.0.0.1:{port}"})
    assert ok.status == 201 and "Access-Control-Allow-Origin" not in ok.headers
    as_localhost = {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"}
    assert (await site.post("/api/projects/demo/jobs", json=job, headers=as_localhost)).status == 201
    for origin in (
        f"http://127.0.0.1:{port + 1}",
        f"https://127.0.0.1:{port}",
        f"http://localhost:{port}",  # Host says 127.0.0.1: another origin for the browser
        f"http://127.0.0.1:{port}/path",
        "file://",
        "",
    ):
        response = await site.post("/api/projects/demo/jobs", json=job, headers={"Origin": origin})
        await error_of(response, 403)
    for url in ("/api/projects", "/api/projects/demo/jobs/events", IMAGE_URL):
        await error_of(await site.get(url, headers={"Origin": EVIL_ORIGIN}), 403)


async def test_an_allowed_origin_gets_cors_and_preflight(aiohttp_client, demo_store) -> None:
    dev = "http://localhost:5173"
    policy = SitePolicy.build(origins=[dev + "/"])
    client = await aiohttp_client(create_app(settings_for(demo_store), site_policy=policy))
    preflight = await client.options(
        "/api/projects/demo/jobs",
        headers={
            "Origin": dev,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == dev
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    response = await client.post("/api/projects/demo/jobs", json=SITE_BODIES[JOBS], headers={"Origin": dev})
    assert response.status == 201 and response.headers["Access-Control-Allow-Origin"] == dev
    assert response.headers["Vary"] == "Origin"
    refused = await client.options("/api/projects/demo/jobs", headers={"Origin": EVIL_ORIGIN})
    await error_of(refused, 403)
    assert "Access-Control-Allow-Origin" not in refused.headers


async def test_no_get_changes_the_store(site, demo_store) -> None:
    before = tree_state(demo_store.root)
    for method, url, _ in site_routes(site.server.app, ("GET",)):
        response = await site.request(method, url, allow_redirects=False)
        assert response.status < 500, (url, response.status)
        response.close()  # event streams would run on
    assert tree_state(demo_store.root) == before


async def test_token_mode_still_works_with_the_site_guard(locked) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    multipart = aiohttp.FormData({"text": "- one coin"}, default_to_multipart=True)
    response = await locked.post("/api/projects/demo/spec-lists", data=multipart, headers=bearer)
    assert response.status == 201, await response.text()  # the token stands in for the Origin
    await error_of(await locked.get("/api/projects", headers={**bearer, "Host": EVIL_HOST}), 421)
    await error_of(await locked.get("/api/projects", headers={**bearer, "Origin": EVIL_ORIGIN}), 403)


async def test_embedding_from_another_site_is_403_but_navigation_is_not(site) -> None:
    """<img src> and no-cors GETs carry no Origin; Sec-Fetch-Site still names another site."""
    png = IMAGE_URL
    assert (await site.get(png)).status == 200
    for fetch_site in ("cross-site", "same-site"):
        for mode in ("no-cors", "cors"):
            headers = {"Sec-Fetch-Site": fetch_site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": "image"}
            await error_of(await site.get(png, headers=headers), 403)
            await error_of(await site.get("/api/projects", headers=headers), 403)
        navigate = {"Sec-Fetch-Site": fetch_site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
        assert (await site.get("/gallery/", headers=navigate)).status == 200
    for fetch_site in ("same-origin", "none"):
        headers = {"Sec-Fetch-Site": fetch_site, "Sec-Fetch-Mode": "no-cors"}
        assert (await site.get(png, headers=headers)).status == 200
