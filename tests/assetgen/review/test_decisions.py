"""Review decisions: per-field last-write-wins under the asset lock, change-wise undo, one primary per asset."""

from __future__ import annotations

import threading

import pytest

from assetgen.errors import Conflict, InvalidInput
from assetgen.review import decisions
from assetgen.store import ProjectStore
from tests.review_factory import PROJECT_ID, build_review_project

P, A = PROJECT_ID, "potion_icon"


@pytest.fixture
def rstore(store: ProjectStore) -> ProjectStore:
    build_review_project(store, variants=6, versions=2)
    return store


def variant(store: ProjectStore, variant_id: str):
    asset = store.read(P, "assets", A)
    return decisions.find_variant(asset, variant_id)


def test_concurrent_edits_of_different_fields_all_survive(rstore: ProjectStore) -> None:
    edits = [
        lambda: decisions.decide(rstore, P, A, "v00001", "approve", by="ana"),
        lambda: decisions.set_note(rstore, P, A, "v00001", "nice", by="bo"),
        lambda: decisions.set_rating(rstore, P, A, "v00001", 5, by="cy"),
        lambda: decisions.set_tags(rstore, P, A, "v00001", toggle="fix:pose", by="dee"),
        lambda: decisions.set_tags(rstore, P, A, "v00001", toggle="fix:colors", by="eve"),
    ]
    threads = [threading.Thread(target=edit) for edit in edits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _, v = variant(rstore, "v00001")
    assert v.status == "selected" and v.review_note == "nice" and v.rating == 5
    assert sorted(v.tags) == ["fix:colors", "fix:pose"]
    assert len(v.review_history) == 5


def test_exclusive_groups_come_from_the_tag_catalog(rstore: ProjectStore) -> None:
    decisions.set_tags(rstore, P, A, "v00001", toggle="verdict:great")
    decisions.set_tags(rstore, P, A, "v00001", toggle="fix:pose")
    decisions.set_tags(rstore, P, A, "v00001", toggle="verdict:usable")
    assert variant(rstore, "v00001")[1].tags == ["fix:pose", "verdict:usable"]


def test_one_primary_per_asset_and_undo_gives_the_old_one_back(rstore: ProjectStore) -> None:
    decisions.set_primary(rstore, P, A, "v00000", change_id="first")
    decisions.set_primary(rstore, P, A, "v00005", change_id="second")  # another version
    asset = rstore.read(P, "assets", A)
    assert [v.primary_variant_id for v in asset.versions] == [None, "v00005"]
    decisions.undo(rstore, P, A, "v00005", change_id="second")
    asset = rstore.read(P, "assets", A)
    assert [v.primary_variant_id for v in asset.versions] == ["v00000", None]
    assert variant(rstore, "v00005")[1].status == "candidate"  # the approval was part of the change


def test_rejecting_the_primary_unsets_it_and_undo_restores_both(rstore: ProjectStore) -> None:
    decisions.set_primary(rstore, P, A, "v00002")
    decisions.decide(rstore, P, A, "v00002", "reject", change_id="oops")
    version, v = variant(rstore, "v00002")
    assert v.status == "rejected" and version.primary_variant_id is None
    decisions.undo_last(rstore, P, A, "v00002")
    version, v = variant(rstore, "v00002")
    assert v.status == "selected" and version.primary_variant_id == "v00002"


def test_undo_refuses_when_the_field_changed_since_and_writes_nothing(rstore: ProjectStore) -> None:
    decisions.decide(rstore, P, A, "v00003", "approve", change_id="mine")
    decisions.decide(rstore, P, A, "v00003", "reject", by="other")
    before = rstore.record_path(P, "assets", A).read_bytes()
    with pytest.raises(Conflict):
        decisions.undo(rstore, P, A, "v00003", change_id="mine")
    assert rstore.record_path(P, "assets", A).read_bytes() == before


def test_tag_undo_is_a_delta_that_keeps_later_tags(rstore: ProjectStore) -> None:
    decisions.set_tags(rstore, P, A, "v00004", toggle="fix:pose", change_id="pose")
    decisions.set_tags(rstore, P, A, "v00004", toggle="fix:colors", by="other")
    decisions.undo(rstore, P, A, "v00004", change_id="pose")
    assert variant(rstore, "v00004")[1].tags == ["fix:colors"]
    with pytest.raises(InvalidInput):
        decisions.undo(rstore, P, A, "v00004", change_id="pose")  # undone already
