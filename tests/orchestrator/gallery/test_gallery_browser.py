"""The review gallery in Debian's Chromium against the real server and a project with generated variants.

Every non-loopback request is aborted. Screenshots land in ``test-artifacts/<test>/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assetgen.store import ProjectStore
from tests.review_factory import serve_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/lib/chromium/chromium")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make system-deps` (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: run `make venv` (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


@pytest.fixture
def server(review_store: ProjectStore) -> Iterator[str]:
    with serve_app(review_store.root) as url:
        yield url


@contextmanager
def gallery(
    chromium, url: str, viewport: dict, *, reviewer: str = "ana", hash_: str = ""
) -> Iterator[object]:
    """A fresh context (own localStorage) on the gallery; page errors fail the test."""
    context = chromium.new_context(viewport=viewport, has_touch=viewport is PHONE)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort()
    )
    context.add_init_script(f"localStorage.setItem('assetgen.reviewer', {json.dumps(reviewer)})")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/gallery/" + hash_)
    page.wait_for_function("window.__galleryReady === true", timeout=15000)
    page.wait_for_function("[...document.querySelectorAll('.card img')].every((img) => img.complete)")
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def post(page, route: str, action) -> dict:
    """Do ``action`` and return the JSON answer of the POST it causes to ``.../<route>``."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/" + route)) as info:
        action()
    response = info.value
    assert response.ok, response.text()
    return response.json()


def card(page, index: int):
    return page.locator(f'.card[data-index="{index}"]')


def stored_variants(store: ProjectStore) -> dict:
    data = json.loads(store.record_path("review_demo", "assets", "potion_icon").read_text())
    primaries = [ver["primaryVariantId"] for ver in data["versions"] if ver.get("primaryVariantId")]
    return {"primaries": primaries, **{v["id"]: v for ver in data["versions"] for v in ver["variants"]}}


def assert_review_stored(store: ProjectStore, *, by: str) -> None:
    saved = stored_variants(store)
    # grid order: newest version first -> index 0 = v00006, 1 = v00007, 2 = v00008
    assert saved["v00006"]["status"] == "selected"
    assert saved["v00007"]["status"] == "rejected"
    assert saved["primaries"] == ["v00008"] and saved["v00008"]["status"] == "selected"
    assert saved["v00008"]["reviewNote"] == "best silhouette; cork slightly dark"
    assert saved["v00006"]["tags"] == ["verdict:great", "fix:colors"]
    for vid in ("v00006", "v00007", "v00008"):
        assert {e["by"] for e in saved[vid]["reviewHistory"]} == {by}
        assert all(e["at"].endswith("Z") for e in saved[vid]["reviewHistory"])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_review_loop_with_the_mouse(chromium, server, review_store, artifacts_dir, viewport) -> None:
    name = "desktop" if viewport is DESKTOP else "phone"
    with gallery(chromium, server, viewport) as page:
        page.screenshot(path=str(artifacts_dir / f"{name}-1-grid.png"))
        # compare two variants
        card(page, 0).locator(".mark").click()
        card(page, 1).locator(".mark").click()
        page.get_by_role("button", name="Compare").first.click()
        panes = page.locator("#compare .pane")
        panes.first.wait_for()
        assert panes.count() == 2
        page.locator("#compare .pane img").first.evaluate("img => img.decode()")
        page.mouse.move(viewport["width"] // 4, viewport["height"] // 2)
        page.mouse.wheel(0, -300)
        transforms = page.locator("#compare .pane img").evaluate_all("els => els.map(e => e.style.transform)")
        assert transforms[0] == transforms[1] and "scale" in transforms[0]  # synced zoom
        page.screenshot(path=str(artifacts_dir / f"{name}-2-compare.png"))
        page.get_by_role("button", name="Close compare (Esc)").click()

        # chips, approve on the first variant
        card(page, 0).locator(".thumb").click()
        post(page, "tags", lambda: page.get_by_role("button", name="Tag Great (Verdict), key 1").click())
        post(
            page, "tags", lambda: page.get_by_role("button", name="Tag Colors (Needs fixing), key 4").click()
        )
        result = post(page, "decision", lambda: page.locator('.decisions [data-act="approve"]').click())
        assert result["variant"]["status"] == "selected"
        if viewport is PHONE:
            page.screenshot(path=str(artifacts_dir / f"{name}-3-sheet.png"))
            page.get_by_role("button", name="Close details").click()
        # reject the second, primary + note on the third
        card(page, 1).locator(".thumb").click()
        post(page, "decision", lambda: page.locator('.decisions [data-act="reject"]').click())
        if viewport is PHONE:
            page.get_by_role("button", name="Close details").click()
        card(page, 2).locator(".thumb").click()
        post(page, "primary", lambda: page.locator('.decisions [data-act="primary"]').click())
        page.get_by_label("Review note").fill("best silhouette; cork slightly dark")
        post(page, "note", lambda: page.get_by_label("Review note").blur())
        page.wait_for_timeout(150)
        page.screenshot(path=str(artifacts_dir / f"{name}-4-reviewed.png"))

        page.reload()
        page.wait_for_function("window.__galleryReady === true")
        assert "is-primary" in card(page, 2).get_attribute("class")
        assert "st-selected" in card(page, 0).get_attribute("class")
        assert "st-rejected" in card(page, 1).get_attribute("class")
        assert page.get_by_label("Review note").input_value() == "best silhouette; cork slightly dark"
        page.screenshot(path=str(artifacts_dir / f"{name}-5-after-reload.png"))
    assert_review_stored(review_store, by="ana")


def test_review_loop_with_the_keyboard_only(chromium, server, review_store, artifacts_dir) -> None:
    with gallery(chromium, server, DESKTOP, reviewer="kim") as page:
        keys = page.keyboard
        keys.press("?")
        assert page.locator("#help").is_visible()
        assert page.locator("#help-table tr").count() >= 15
        page.screenshot(path=str(artifacts_dir / "desktop-help.png"))
        keys.press("Escape")
        assert not page.locator("#help").is_visible()
        # compare the first two
        keys.press("x")
        keys.press("ArrowRight")
        keys.press("x")
        keys.press("c")
        page.locator("#compare .pane").nth(1).wait_for()
        keys.press("+")
        keys.press("b")
        page.screenshot(path=str(artifacts_dir / "desktop-keyboard-compare.png"))
        keys.press("Escape")
        keys.press("ArrowLeft")
        post(page, "tags", lambda: keys.press("1"))
        post(page, "tags", lambda: keys.press("4"))
        post(page, "decision", lambda: keys.press("a"))
        keys.press("ArrowRight")
        post(page, "decision", lambda: keys.press("r"))
        keys.press("ArrowRight")
        post(page, "primary", lambda: keys.press("p"))
        # a mistake, undone
        keys.press("ArrowRight")
        post(page, "decision", lambda: keys.press("n"))
        undone = post(page, "undo", lambda: keys.press("u"))
        assert undone["variant"]["status"] == "candidate"
        keys.press("ArrowLeft")
        keys.press("e")
        keys.type("best silhouette; cork slightly dark")
        post(page, "note", lambda: keys.press("Control+Enter"))
        keys.press("Escape")
        page.screenshot(path=str(artifacts_dir / "desktop-keyboard-reviewed.png"))
        page.reload()
        page.wait_for_function("window.__galleryReady === true")
        assert "is-primary" in card(page, 2).get_attribute("class")
    assert_review_stored(review_store, by="kim")
    assert stored_variants(review_store)["v00009"]["status"] == "candidate"


def test_concurrent_edits_from_two_pages_both_survive(chromium, server, review_store, artifacts_dir) -> None:
    with (
        gallery(chromium, server, DESKTOP, reviewer="ana") as one,
        gallery(chromium, server, DESKTOP, reviewer="bo") as two,
    ):
        # both look at the same variant (index 0) and neither reloads
        post(one, "tags", lambda: one.keyboard.press("1"))  # verdict:great
        post(two, "tags", lambda: two.keyboard.press("5"))  # fix:pose (from a stale view)
        post(one, "decision", lambda: one.keyboard.press("a"))
        two.keyboard.press("e")
        two.keyboard.type("pose reads well")
        result = post(two, "note", lambda: two.keyboard.press("Control+Enter"))
        assert result["variant"]["status"] == "selected"  # page two learns page one's edit
        post(one, "rating", lambda: one.keyboard.press("Shift+Digit4"))
        two.screenshot(path=str(artifacts_dir / "second-page.png"))
    saved = stored_variants(review_store)["v00006"]
    assert saved["tags"] == ["verdict:great", "fix:pose"]
    assert saved["status"] == "selected" and saved["rating"] == 4
    assert saved["reviewNote"] == "pose reads well"
    assert {e["by"] for e in saved["reviewHistory"]} == {"ana", "bo"}


def test_live_job_progress_arrives_over_the_event_stream(
    chromium, server: str, review_store: ProjectStore, artifacts_dir: Path
) -> None:
    """A job written by a worker (here: by the test, as a worker would) shows up live with its progress."""
    from assetgen.jobs import create_job
    from assetgen.models.job import Progress

    with gallery(chromium, server, DESKTOP) as page:
        page.wait_for_function("document.querySelector('#jobs-mode')?.textContent === 'live'", timeout=10000)
        job = create_job(review_store, "review_demo", "generate", {"specId": "potion_icon", "variants": 2})
        page.wait_for_function(
            "[...document.querySelectorAll('#jobs-list .job-title')].some((t) => t.textContent.includes('queued'))",
            timeout=10000,
        )
        job.status, job.progress = "running", Progress(value=6, max=16, percent=37.5, message="variant 1/2")
        review_store.write("review_demo", "jobs", job)
        page.wait_for_function(
            "[...document.querySelectorAll('#jobs-list progress')].some((p) => p.value === 37.5)",
            timeout=10000,
        )
        assert page.locator("#jobs-count").inner_text() == "1"
        page.click("#jobs-toggle")
        page.screenshot(path=str(artifacts_dir / "jobs-live.png"))
        job.status, job.progress = "succeeded", Progress(value=16, max=16, percent=100)
        review_store.write("review_demo", "jobs", job)
        page.wait_for_function("document.querySelector('#jobs-count').textContent === '0'", timeout=10000)


def test_the_autopilot_button_queues_jobs(chromium, server: str, review_store: ProjectStore) -> None:
    from assetgen.jobs import list_jobs

    with gallery(chromium, server, DESKTOP) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        answer = post(page, "autopilot", lambda: page.click("#autopilot-btn"))
        # the project has one autopilot-ready spec: exactly one autopilot job for it, stored as queued
        assert [(j["type"], j["input"]["specId"]) for j in answer["jobs"]] == [("autopilot", "potion_icon")]
        stored = list_jobs(review_store, "review_demo")
        assert [(j.id, j.type) for j in stored] == [(answer["jobs"][0]["id"], "autopilot")]
        page.wait_for_function("document.querySelector('#jobs-toggle').hidden === false")


def test_a_fresh_browser_opens_the_most_recently_active_project(
    chromium, server: str, review_store: ProjectStore
) -> None:
    """Like after `make demo`: an idle project sorting first (the template's `demo`) is not what opens."""
    from assetgen.projects import init_project

    init_project(review_store, "aaa_idle")
    with gallery(chromium, server, DESKTOP) as page:
        assert page.locator("#project").input_value() == "review_demo"
        assert page.locator(".card").count() > 0
    with gallery(chromium, server, DESKTOP, hash_="#/p/aaa_idle") as page:
        assert page.locator("#project").input_value() == "aaa_idle", "a project in the URL wins"


def test_cards_show_a_number_and_seed_a_person_can_say(chromium, server: str) -> None:
    with gallery(chromium, server, DESKTOP) as page:
        # newest version first: card 0 is v00006, the 7th variant made, seed 1006
        caption = card(page, 0).locator(".caption")
        assert caption.inner_text() == "#7 · seed 1006"
        assert caption.get_attribute("title") == "v00006", "the full id stays one hover away"
        assert card(page, 6).locator(".caption").inner_text() == "#1 · seed 1000"


def test_regenerate_remove_bg_and_pack_buttons_queue_their_jobs(
    chromium, server: str, review_store: ProjectStore
) -> None:
    from assetgen.jobs import list_jobs

    with gallery(chromium, server, DESKTOP) as page:
        page.on("dialog", lambda dialog: dialog.accept("3"))  # "How many variants?"
        post(page, "decision", lambda: page.keyboard.press("a"))  # approve card 0 (v00006)
        page.keyboard.press("ArrowRight")
        post(page, "decision", lambda: page.keyboard.press("a"))  # approve card 1 (v00007)
        regen = post(page, "regenerate", lambda: page.click("#regen-btn"))
        every = post(page, "bg-remove", lambda: page.click("#bg-all-btn"))
        packed = post(page, "pack", lambda: page.click("#pack-btn"))
        one = post(page, "bg-remove", lambda: page.click("#bg-one-btn"))  # the selected variant, card 1
        page.wait_for_function("document.querySelector('#jobs-toggle').hidden === false")
    (generate,) = regen["jobs"]
    assert generate["type"] == "generate" and generate["input"]["variants"] == 3
    assert generate["input"]["specId"] == "potion_icon" and isinstance(
        generate["input"]["overrides"]["seed"], int
    )
    assert sorted(j["input"]["variantId"] for j in every["jobs"]) == ["v00006", "v00007"]
    assert [f["variantId"] for f in packed["jobs"][0]["input"]["frames"]] == ["v00006", "v00007"]
    assert [j["input"]["variantId"] for j in one["jobs"]] == ["v00007"]
    stored = {j.id: j.type for j in list_jobs(review_store, "review_demo")}
    answered = [j for answer in (regen, every, packed, one) for j in answer["jobs"]]
    assert stored == {j["id"]: j["type"] for j in answered}


def test_the_status_filter_shows_only_that_status(chromium, server: str) -> None:
    with gallery(chromium, server, DESKTOP) as page:
        post(page, "decision", lambda: page.keyboard.press("a"))  # approve card 0
        page.keyboard.press("ArrowRight")
        post(page, "decision", lambda: page.keyboard.press("r"))  # reject card 1
        with page.expect_response(lambda r: "status=selected" in r.url):
            page.click('.filters [data-filter="selected"]')
        page.wait_for_function("document.querySelectorAll('.card:not(.loading)').length === 1")
        assert "st-selected" in card(page, 0).get_attribute("class")
        assert page.locator('[data-filter="selected"] [data-count]').inner_text() == "1"
        with page.expect_response(lambda r: "status=rejected" in r.url):
            page.click('.filters [data-filter="rejected"]')
        page.wait_for_function("document.querySelectorAll('.card:not(.loading)').length === 1")
        assert "st-rejected" in card(page, 0).get_attribute("class")
        with page.expect_response(lambda r: "status=all" in r.url):
            page.click('.filters [data-filter="all"]')
        page.wait_for_function("document.querySelectorAll('.card.st-candidate').length >= 10")


def test_the_project_picker_switches_projects(chromium, server: str, review_store: ProjectStore) -> None:
    from tests.review_factory import build_review_project

    build_review_project(review_store, project_id="other_game", asset_id="gem_icon", variants=3)
    with gallery(chromium, server, DESKTOP, hash_="#/p/review_demo") as page:
        page.select_option("#project", "other_game")
        page.wait_for_function("location.hash.startsWith('#/p/other_game/a/gem_icon')")
        page.wait_for_function("document.querySelectorAll('.card:not(.loading)').length === 3")
        assert card(page, 0).locator(".caption").inner_text().startswith("#1 ")


def test_paging_past_200_variants_reaches_the_last_one(chromium, store: ProjectStore) -> None:
    """Pages of 200 are fetched as the grid needs them: the 450th variant (of 3 versions) is reachable."""
    from tests.review_factory import build_review_project

    build_review_project(
        store, project_id="big", variants=450, versions=3, distinct_images=6, image_size_px=32
    )
    with serve_app(store.root) as url, gallery(chromium, url, DESKTOP, hash_="#/p/big") as page:
        assert page.locator('[data-filter="all"] [data-count]').inner_text() == "450"
        with page.expect_response(lambda r: "offset=400" in r.url):
            page.keyboard.press("End")
        last = card(page, 449)
        last.locator(".caption").wait_for()
        page.wait_for_function("document.querySelector('.card[data-index=\"449\"]:not(.loading)') !== null")
        # newest version first: the last card is the last variant of the oldest version, #150
        assert last.locator(".caption").inner_text() == "#150 · seed 1149"
        assert "is-cursor" in last.get_attribute("class") and last.locator(".caption").get_attribute(
            "title"
        ) == ("v00149")
