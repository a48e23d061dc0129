"""Other web pages against the running server, in Debian's Chromium: nothing they send changes the store.

A page from a second local origin (``http://evil.example:<port>``, resolved to 127.0.0.1 inside the
browser) sends no-cors POSTs (text/plain, URL-encoded, multipart), submits forms, loads images and
tries a CORS read; a DNS-rebinding page (``http://evil.example:<server port>``, the server's own port)
tries same-origin reads and writes. The server answers every one 403 or 421, and the data tree is
unchanged. Nothing leaves the machine: every other request is aborted.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.orchestrator.api.conftest import tree_state
from tests.orchestrator.gallery.test_gallery_browser import (  # noqa: F401
    CHROMIUM,
    DESKTOP,
    card,
    gallery,
    post,
    server,
)

pytestmark = pytest.mark.browser

EVIL = "evil.example"
# Chromium's own guard for local addresses (Local/Private Network Access) would block a page fulfilled by
# the test from reaching 127.0.0.1; other browsers have none, so the server must stand alone: turn it off.
BROWSER_GUARDS = ",".join(
    (
        "LocalNetworkAccessChecks",
        "BlockInsecurePrivateNetworkRequests",
        "PrivateNetworkAccessSendPreflights",
        "PrivateNetworkAccessRespectPreflightResults",
    )
)
IMAGE = "/files/projects/review_demo/files/images/potion_icon/original/v00001.png"
VARIANT = "/api/projects/review_demo/assets/potion_icon/variants/v00001"

# The attack: every way a page can reach another origin without asking it first.
ATTACK_PAGE = """<!doctype html><meta charset="utf-8"><title>totally harmless</title>
<iframe name="sink" id="sink"></iframe>
<script>
const API = "%(api)s";
const results = {};
const send = (name, path, init) => fetch(API + path, {method: "POST", mode: "no-cors", ...init})
  .then(() => { results[name] = "sent"; }, (e) => { results[name] = "failed " + e; });
const image = (name, src) => new Promise((done) => {
  const img = new Image();
  img.onload = () => { results[name] = "loaded"; done(); };
  img.onerror = () => { results[name] = "error"; done(); };
  img.src = API + src;
});
const submit = (name, path, enctype, fields) => new Promise((done) => {
  const form = document.createElement("form");
  form.action = API + path; form.method = "POST"; form.enctype = enctype; form.target = "sink";
  for (const [key, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.name = key; input.value = value; form.appendChild(input);
  }
  document.body.appendChild(form);
  document.getElementById("sink").addEventListener("load", () => { results[name] = "submitted"; done(); }, {once: true});
  form.submit();
});
(async () => {
  const job = JSON.stringify({type: "generate", input: {specId: "potion_icon"}});
  await send("job as text", "/api/projects/review_demo/jobs", {headers: {"Content-Type": "text/plain"}, body: job});
  // no-cors drops a non-simple Content-Type: this goes out as text/plain too
  await send("project as json", "/api/projects", {headers: {"Content-Type": "application/json"}, body: '{"id": "evil"}'});
  await send("decision as text", "%(variant)s/decision", {body: JSON.stringify({decision: "rejected", by: "evil"})});
  await send("note as form", "%(variant)s/note", {body: new URLSearchParams({note: "evil"})});
  const upload = new FormData(); upload.append("text", "- evil coin");
  await send("spec list as multipart", "/api/projects/review_demo/spec-lists", {body: upload});
  await submit("form text/plain", "%(variant)s/decision", "text/plain", {'{"decision": "rejected", "x": "': '"}'});
  await submit("form urlencoded", "%(variant)s/rating", "application/x-www-form-urlencoded", {rating: "1"});
  await image("image of a variant", "%(image)s");
  await image("image of the API", "/api/projects");
  results["cors read"] = await fetch(API + "/api/projects").then((r) => "read " + r.status, () => "blocked");
  window.__results = results;
})();
</script>"""

# After a DNS rebinding the page's own name points at the server: same-origin in the browser's eyes.
REBINDING_PAGE = """<!doctype html><meta charset="utf-8"><title>rebound</title><script>
(async () => {
  const results = {};
  const read = (path, init) => fetch(path, init).then(async (r) => r.status + " " + await r.text(), (e) => "failed " + e);
  results.projects = await read("/api/projects");
  results.job = await read("/api/projects/review_demo/jobs", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify({type: "generate", input: {specId: "potion_icon"}})});
  results.events = await read("/api/projects/review_demo/jobs/events");
  results.image = await new Promise((done) => { const img = new Image();
    img.onload = () => done("loaded"); img.onerror = () => done("error"); img.src = "%(image)s"; });
  window.__results = results;
})();
</script>"""


@contextmanager
def attacker_site(folder: Path) -> Iterator[int]:
    """A plain static web server for the attacker's page on 127.0.0.1 (a free port); yields the port."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def rebinding_chromium():
    """Chromium that resolves evil.example to 127.0.0.1, as after a DNS rebinding (no resolver needed)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make system-deps` (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: run `make venv` (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[f"--host-resolver-rules=MAP {EVIL} 127.0.0.1", f"--disable-features={BROWSER_GUARDS}"],
        )
        yield browser
        browser.close()


def local_only(context, *prefixes: str) -> list[tuple[str, str, int]]:
    """Abort every request not to ``prefixes``; return the (method, url, status) list of answers seen."""
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(prefixes) else route.abort()
    )
    seen: list[tuple[str, str, int]] = []
    context.on("response", lambda r: seen.append((r.request.method, r.url, r.status)))
    return seen


def test_a_page_from_another_origin_changes_nothing(
    rebinding_chromium,
    server,  # noqa: F811
    review_store,
    tmp_path,
) -> None:
    (tmp_path / "index.html").write_text(ATTACK_PAGE % {"api": server, "variant": VARIANT, "image": IMAGE})
    before = tree_state(review_store.root)
    with attacker_site(tmp_path) as port:
        page_url = f"http://{EVIL}:{port}/index.html"
        context = rebinding_chromium.new_context()
        seen = local_only(context, server, f"http://{EVIL}:{port}/")
        page = context.new_page()
        page.goto(page_url)
        page.wait_for_function("window.__results !== undefined", timeout=20000)
        results = page.evaluate("window.__results")
        context.close()
    assert len(results) == 10, results
    # A PNG would load (ORB passes images): "error" means the server refused it.
    assert results["image of a variant"] == "error" and results["cors read"] == "blocked", results
    answers = [(method, url, status) for method, url, status in seen if url.startswith(server)]
    assert {urlsplit(url).path for _, url, _ in answers} >= {
        "/api/projects",
        "/api/projects/review_demo/jobs",
        f"{VARIANT}/decision",
        f"{VARIANT}/note",
        f"{VARIANT}/rating",
        "/api/projects/review_demo/spec-lists",
    }, answers  # the image answers are hidden by Chromium's ORB (a JSON error is no image): "error" above
    assert all(status == 403 for _, _, status in answers), answers
    assert tree_state(review_store.root) == before


def test_a_rebinding_page_reads_and_writes_nothing(rebinding_chromium, server, review_store) -> None:  # noqa: F811
    port = urlsplit(server).port
    rebound = f"http://{EVIL}:{port}"
    before = tree_state(review_store.root)
    context = rebinding_chromium.new_context()
    seen = local_only(context, rebound)
    # The attacker served this page under its name first; then the name was pointed at our server.
    # (Playwright tries the newest route first: this one, then local_only's.)
    context.route(
        f"{rebound}/",
        lambda route: route.fulfill(content_type="text/html", body=REBINDING_PAGE % {"image": IMAGE}),
    )
    page = context.new_page()
    page.goto(rebound + "/")
    page.wait_for_function("window.__results !== undefined", timeout=20000)
    results = page.evaluate("window.__results")
    context.close()
    for key in ("projects", "job", "events"):
        assert results[key].startswith("421 ") and "review_demo" not in results[key], results
    assert results["image"] == "error"
    answers = [(m, u, s) for m, u, s in seen if urlsplit(u).path != "/"]
    assert len(answers) == 4 and all(status == 421 for _, _, status in answers), answers
    assert tree_state(review_store.root) == before


def test_the_gallery_on_its_own_origin_still_reviews(rebinding_chromium, server) -> None:  # noqa: F811
    """The same browser rules, from the server's own origin: the gallery loads, shows images and writes."""
    with gallery(rebinding_chromium, server, DESKTOP) as page:
        card(page, 0).locator(".thumb").click()
        result = post(page, "decision", lambda: page.locator('.decisions [data-act="approve"]').click())
        assert result["variant"]["status"] == "selected"
