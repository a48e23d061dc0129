"""Jobs: validation, placeholders in nextJobs (types kept, unknown keys refused), cancel/retry, backoff."""

from __future__ import annotations

import random

import pytest

from assetgen.errors import Conflict, InvalidInput
from assetgen.jobs import (
    create_job,
    enqueue_children,
    record_failure,
    render_children,
    request_cancel,
    requeue_for_retry,
    retry_delay_ms,
    substitute,
)
from assetgen.models import Job
from assetgen.models.project import RetryPolicy
from assetgen.store import ProjectStore

SEED_EXAMPLE = {
    "specId": "potion_icon",
    "checkpointName": "ckpt_sd15_demo",
    "nextJobs": [{"type": "bg_remove", "input": {"originalPath": "$output.originalsDir/..."}}],
}
OUTPUT = {
    "assetId": "a1",
    "originalsDir": "projects/demo/files/images/a1/original",
    "seeds": [1, 2],
    "n": 3,
    "nested": {"deep": {"key": "v"}},
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("$output.assetId", "a1"),
        ("$output.seeds", [1, 2]),
        ("$output.n", 3),
        ("$output.nested.deep.key", "v"),
        ("$output.originalsDir/...", "projects/demo/files/images/a1/original/..."),
        ("x-$output.n-y", "x-3-y"),
        ("$input.specId", "potion_icon"),
        ("$projectId/$jobId", "demo/j1"),
        ("$projectId", "demo"),
        ("no placeholder $ here", "no placeholder $ here"),
        ({"list": ["$output.n", {"k": "$input.specId"}]}, {"list": [3, {"k": "potion_icon"}]}),
    ],
)
def test_substitution(template, expected) -> None:
    assert (
        substitute(template, project_id="demo", job_id="j1", job_input=SEED_EXAMPLE, job_output=OUTPUT)
        == expected
    )


@pytest.mark.parametrize(
    "template", ["$output.missing", "$input.nope.x", "a $output.nested b", "$output.n.deeper"]
)
def test_bad_placeholders_are_clear_errors(template) -> None:
    with pytest.raises(InvalidInput, match=r"placeholder|cannot be part"):
        substitute(template, project_id="demo", job_id="j1", job_input=SEED_EXAMPLE, job_output=OUTPUT)


def test_seed_example_is_accepted_and_chains(demo_store: ProjectStore) -> None:
    job = create_job(demo_store, "demo", "generate", SEED_EXAMPLE)
    assert job.status == "queued" and job.max_attempts == 3
    job.output = OUTPUT
    children = render_children(job)
    assert children == [(f"{job.id}-n1", "bg_remove", {"originalPath": OUTPUT["originalsDir"] + "/..."})]
    assert enqueue_children(demo_store, job) == enqueue_children(demo_store, job), "idempotent"
    child: Job = demo_store.read("demo", "jobs", f"{job.id}-n1")
    assert child.parent_job_id == job.id and child.status == "queued"
    assert "$output" not in str(child.input)


@pytest.mark.parametrize(
    ("job_type", "data", "message"),
    [
        ("paint", {}, "unknown job type"),
        ("generate", {}, "specId"),
        ("generate", [], "JSON object"),
        ("generate", {"specId": "s", "nextJobs": [{"type": "nope"}]}, "unknown job type"),
        ("generate", {"specId": "s", "nextJobs": "x"}, "nextJobs"),
    ],
)
def test_invalid_jobs_are_refused_before_anything_is_written(
    demo_store: ProjectStore, job_type, data, message
) -> None:
    with pytest.raises(InvalidInput, match=message):
        create_job(demo_store, "demo", job_type, data)
    assert demo_store.list_ids("demo", "jobs") == []


def test_cancel_and_retry_rules(demo_store: ProjectStore) -> None:
    job = create_job(demo_store, "demo", "bg_remove", {"assetId": "a"})
    assert request_cancel(demo_store, "demo", job.id).status == "canceled"
    with pytest.raises(Conflict):
        request_cancel(demo_store, "demo", job.id)
    again = requeue_for_retry(demo_store, "demo", job.id)
    assert again.status == "queued" and again.error is None
    with pytest.raises(Conflict):
        requeue_for_retry(demo_store, "demo", job.id)
    running = create_job(demo_store, "demo", "bg_remove", {"assetId": "a"})
    running.status = "running"
    demo_store.write("demo", "jobs", running)
    assert request_cancel(demo_store, "demo", running.id).cancel_requested is True


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(base_delay_ms=1000, max_delay_ms=5000, jitter_pct=0.1)
    rng = random.Random(1)
    delays = [retry_delay_ms(policy, attempt, rng=rng) for attempt in (1, 2, 3, 4, 5)]
    assert 900 <= delays[0] <= 1100 and 1800 <= delays[1] <= 2200 and 3600 <= delays[2] <= 4400
    assert all(4500 <= d <= 5500 for d in delays[3:])
    fixed = RetryPolicy(backoff_mode="fixed", base_delay_ms=700, jitter_pct=0)
    assert {retry_delay_ms(fixed, a) for a in (1, 2, 3)} == {700}


def test_failures_retry_then_fail_and_escalate() -> None:
    policy = RetryPolicy(max_attempts=2)
    job = Job(id="j", project_id="p", type="generate", status="running", attempt=1, max_attempts=2)
    record_failure(
        job, error="down", error_class="upstream_unavailable", duration_ms=5, policy=policy, now_ms=0
    )
    assert job.status == "queued" and job.next_retry_at and len(job.retry_history) == 1
    job.attempt = 2
    record_failure(
        job, error="down", error_class="upstream_unavailable", duration_ms=5, policy=policy, now_ms=0
    )
    assert job.status == "failed" and job.escalation_target == "exception_inbox"
    bad = Job(id="k", project_id="p", type="generate", status="running", attempt=1, max_attempts=3)
    record_failure(
        bad, error="bad input", error_class="non_retryable", duration_ms=1, policy=policy, now_ms=0
    )
    assert bad.status == "failed" and bad.escalated_at is None


def test_unreadable_job_files_are_skipped_counted_and_logged(demo_store: ProjectStore, caplog) -> None:
    from assetgen.jobs import list_jobs, read_job_listing

    job = create_job(demo_store, "demo", "generate", {"specId": "potion_icon"})
    demo_store.record_path("demo", "jobs", "broken1").write_text('{"id": "broken1", "status": ')
    listing = read_job_listing(demo_store, "demo")
    assert [j.id for j in listing.jobs] == [job.id] and listing.unreadable == ["broken1"]
    assert [j.id for j in list_jobs(demo_store, "demo")] == [job.id]
    assert "broken1" in caplog.text and "unreadable" in caplog.text


def test_one_function_builds_a_generate_jobs_input() -> None:
    from assetgen.jobs import generate_job_input
    from assetgen.models import NextJob

    assert generate_job_input("potion_icon") == {"specId": "potion_icon"}
    data = generate_job_input(
        "potion_icon",
        variants=4,
        seed=7,
        seed_offset=0,
        checkpoint_id="ckpt_sd15_demo",
        template_id="txt2img",
        review_feedback=[{"variantId": "v1", "note": "pose", "tags": []}],
        next_jobs=[NextJob(type="bg_remove", input={"assetId": "$output.assetId"})],
    )
    assert data == {
        "specId": "potion_icon",
        "templateId": "txt2img",
        "checkpointName": "ckpt_sd15_demo",
        "variants": 4,
        "overrides": {"seed": 7},
        "seedOffset": 0,
        "reviewFeedback": [{"variantId": "v1", "note": "pose", "tags": []}],
        "nextJobs": [{"type": "bg_remove", "input": {"assetId": "$output.assetId"}}],
    }
    with pytest.raises(InvalidInput, match="variants"):
        generate_job_input("potion_icon", variants=0)


def test_a_generate_job_for_a_missing_spec_is_refused(demo_store: ProjectStore) -> None:
    with pytest.raises(InvalidInput, match="no_such_spec"):
        create_job(demo_store, "demo", "generate", {"specId": "no_such_spec"})
    assert demo_store.list_ids("demo", "jobs") == []


def test_failures_are_classed_for_the_retry_policy() -> None:
    from assetgen.errors import BackendUnavailable, NotFound
    from assetgen.jobs import error_class_of

    assert error_class_of(BackendUnavailable("down")) == "upstream_unavailable"
    assert error_class_of(TimeoutError()) == "timeout"
    assert (
        error_class_of(NotFound("x")) == "non_retryable"
        and error_class_of(InvalidInput("x")) == "non_retryable"
    )
    assert error_class_of(RuntimeError("boom")) == "retryable"
