"""The gallery's exception inbox: a count button that appears when jobs were escalated, and their list."""

from __future__ import annotations

import pytest

from assetgen.jobs import create_job
from assetgen.store import ProjectStore
from tests.orchestrator.gallery.test_gallery_browser import DESKTOP, chromium, gallery, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_escalated_jobs_show_as_a_count_and_a_list(chromium, server, review_store: ProjectStore) -> None:  # noqa: F811
    job = create_job(review_store, "review_demo", "generate", {"specId": "potion_icon"}, job_id="job_stuck")
    job.status, job.attempt, job.max_attempts = "failed", 3, 3
    job.error, job.error_class = "stuck: running 901 s on worker w1", "timeout"
    job.escalated_at, job.escalation_target = "2026-02-04T12:30:00.000Z", "exception_inbox"
    review_store.write("review_demo", "jobs", job)
    with gallery(chromium, server, DESKTOP) as page:
        toggle = page.locator("#exceptions-toggle")
        toggle.wait_for(state="visible")
        assert page.locator("#exceptions-count").inner_text() == "1"
        assert page.locator("#exceptions").is_hidden()
        toggle.click()
        item = page.locator('#exceptions-list li[data-job-id="job_stuck"]')
        item.wait_for(state="visible")
        text = item.inner_text()
        assert "timeout" in text and "attempt 3/3" in text and "stuck: running 901 s" in text
        assert "exception_inbox" in text and toggle.get_attribute("aria-expanded") == "true"


def test_no_escalations_no_button(chromium, server) -> None:  # noqa: F811
    with gallery(chromium, server, DESKTOP) as page:
        page.wait_for_function("document.querySelector('#exceptions-count').textContent === '0'")
        assert page.locator("#exceptions-toggle").is_hidden()
