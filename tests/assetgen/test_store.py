"""The store: hostile ids refused before any path exists, atomic writes, clear read errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assetgen.errors import Conflict, InvalidInput, NotFound, StorageError
from assetgen.ids import new_ulid, validate_id
from assetgen.models import AssetSpec, Job
from assetgen.store import ProjectStore, dump_json, dump_json_appending, write_json_atomic

HOSTILE_IDS = [
    "../x",
    "..",
    ".",
    "/abs",
    "a/b",
    "a\\b",
    "",
    "x" * 129,
    "a\x00b",
    " a",
    "a b",
    "-lead",
    "é",
    "a.json",
    "con:",
    "\n",
    # Windows device names, any case: a folder so named cannot exist there
    "con",
    "CON",
    "Nul",
    "aux",
    "prn",
    "com1",
    "COM9",
    "lpt1",
    "LpT9",
]


@pytest.mark.parametrize("bad", HOSTILE_IDS, ids=repr)
def test_hostile_ids_are_refused_everywhere(store: ProjectStore, bad: str) -> None:
    with pytest.raises(InvalidInput):
        validate_id(bad)
    with pytest.raises(InvalidInput):
        store.project_dir(bad)
    with pytest.raises(InvalidInput):
        store.record_path("demo", "specs", bad)
    with pytest.raises(InvalidInput):
        store.image_path("demo", bad, "original", "v1")
    with pytest.raises(InvalidInput):
        store.image_path("demo", "a1", "original", bad)
    with pytest.raises(InvalidInput):
        store.files_dir("demo", "atlases", bad)
    assert not store.root.exists(), "nothing may be written for a refused id"


def test_good_ids_and_ulids_are_accepted() -> None:
    for good in [
        "console",
        "com",
        "com10",
        "lpt",
        "nul_item",
        "auxiliary",
        "demo",
        "specList_astroduck_demo",
        "A",
        "x" * 128,
        new_ulid(),
    ]:
        assert validate_id(good) == good
    ulids = [new_ulid(now_ms=1000 + i) for i in range(5)]
    assert ulids == sorted(ulids) and all(len(u) == 26 for u in ulids)


def test_ulids_made_in_a_row_sort_in_the_order_they_were_made() -> None:
    ids = [new_ulid() for _ in range(2000)]  # many share a millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(u) == 26 and validate_id(u) == u for u in ids)


@pytest.mark.parametrize("stored", ["../etc/passwd", "/etc/passwd", "projects/../../x", "a\\b", "", "a\x00"])
def test_stored_paths_cannot_leave_the_data_root(store: ProjectStore, stored: str) -> None:
    with pytest.raises(InvalidInput):
        store.resolve(stored)


def test_write_file_refuses_paths_outside_projects(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        store.write_file(tmp_path / "elsewhere.png", b"x")
    assert not (tmp_path / "elsewhere.png").exists()


def test_records_round_trip_and_keep_unknown_fields(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "hero_knight_walk")
    data = json.loads(path.read_text())
    data["studioOwner"] = "ana"
    path.write_text(json.dumps(data))
    spec = demo_store.read("demo", "specs", "hero_knight_walk")
    spec.title = "Hero knight, walk cycle (v2)"
    demo_store.write("demo", "specs", spec)
    again = json.loads(path.read_text())
    assert again["studioOwner"] == "ana" and again["title"].endswith("(v2)")
    assert path.read_text().endswith("}\n") and '\n  "id"' in path.read_text(), "pretty JSON, 2 spaces"


def test_a_leading_bom_is_accepted(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert demo_store.read("demo", "specs", "potion_icon").id == "potion_icon"


def test_read_errors_name_the_file_and_the_field(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    data = json.loads(path.read_text())
    data["generationParams"]["steps"] = "many"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInput) as err:
        demo_store.read("demo", "specs", "potion_icon")
    assert str(path) in str(err.value) and "generationParams.steps" in str(err.value)

    path.write_text('{"id": "potion_icon",')
    with pytest.raises(InvalidInput, match=r"potion_icon.json: invalid JSON at line 1"):
        demo_store.read("demo", "specs", "potion_icon")


def test_missing_things_are_not_found_with_what_exists(demo_store: ProjectStore) -> None:
    with pytest.raises(NotFound, match="projects: demo"):
        demo_store.read_project("nope")
    with pytest.raises(NotFound, match="spec 'nope' not found in project 'demo'"):
        demo_store.read("demo", "specs", "nope")


def test_create_only_refuses_to_overwrite(demo_store: ProjectStore) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    with pytest.raises(Conflict):
        demo_store.write("demo", "specs", spec, create_only=True)


def test_a_record_goes_only_into_its_own_folder(demo_store: ProjectStore) -> None:
    job = Job(id="j1", project_id="demo", type="generate")
    with pytest.raises(InvalidInput):
        demo_store.write("demo", "specs", job)
    assert isinstance(demo_store.read("demo", "specs", "potion_icon"), AssetSpec)


def test_list_ids_ignores_temp_files_and_bad_names(demo_store: ProjectStore) -> None:
    folder = demo_store.project_dir("demo") / "specs"
    (folder / ".potion_icon.json.abc.tmp").write_text("{")
    (folder / "bad name.json").write_text("{}")
    assert demo_store.list_ids("demo", "specs") == ["hero_knight_walk", "potion_icon"]


def test_atomic_write_survives_a_crash_mid_write(tmp_path: Path) -> None:
    """A process killed between writing the temp file and renaming it leaves the old JSON intact."""
    target = tmp_path / "record.json"
    write_json_atomic(target, {"version": 1})
    script = textwrap.dedent(
        f"""
        import os, signal
        import assetgen.store as store
        real_fsync = os.fsync
        def crash(fd):
            real_fsync(fd)
            os.kill(os.getpid(), signal.SIGKILL)   # dies after the data hit the temp file, before rename
        store.os.fsync = crash
        store.write_json_atomic(__import__("pathlib").Path({str(target)!r}), {{"version": 2, "pad": "x" * 100000}})
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -9
    assert json.loads(target.read_text()) == {"version": 1}
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "record.json"]
    assert all(name.endswith(".tmp") for name in leftovers), leftovers


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "record.json"
    write_json_atomic(target, {"version": 1})

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(StorageError, match=r"No space left on device.*previous file is unchanged"):
        write_json_atomic(target, {"version": 2})
    assert json.loads(target.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_read_only_data_folder_is_a_clear_error(
    demo_store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores permission bits, so the refusal is simulated where the temp file is created."""
    spec = demo_store.read("demo", "specs", "potion_icon")
    before = demo_store.record_path("demo", "specs", "potion_icon").read_bytes()
    real_open = os.open

    def read_only(path: str, flags: int, *args: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(30, "Read-only file system")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(StorageError, match="Read-only file system"):
        demo_store.write("demo", "specs", spec)
    assert demo_store.record_path("demo", "specs", "potion_icon").read_bytes() == before


@pytest.mark.parametrize("bad", ["con.png", "NUL.json", "com1.tar.gz", "Lpt3.txt"])
def test_file_names_that_are_windows_devices_are_refused(bad: str) -> None:
    from assetgen.ids import validate_file_name

    with pytest.raises(InvalidInput, match="device name on Windows"):
        validate_file_name(bad)
    assert validate_file_name("console.png") == "console.png"


def test_stored_image_paths_parse_into_asset_kind_and_variant() -> None:
    from assetgen.store import parse_image_path

    parsed = parse_image_path("projects/demo/files/images/slime/alpha/slime-v1.png", "demo")
    assert (parsed.asset_id, parsed.kind, parsed.variant_id) == ("slime", "alpha", "slime-v1")
    for bad in [
        "projects/other/files/images/slime/alpha/v1.png",
        "projects/demo/files/images/slime/thumbs/v1.png",
        "projects/demo/files/images/slime/v1.png",
        "projects/demo/assets/slime.json",
    ]:
        with pytest.raises(InvalidInput, match="is not projects/demo/files/images"):
            parse_image_path(bad, "demo")
    with pytest.raises(InvalidInput, match=r"originalPath .* is not .*/original/"):
        parse_image_path(
            "projects/demo/files/images/slime/alpha/v1.png", "demo", kinds=("original",), what="originalPath"
        )


@pytest.mark.parametrize("extra", [{}, {"provenance": {"source": "origin"}, "note": "é \n ]"}])
def test_appending_to_a_dumped_list_gives_the_text_of_a_whole_dump(extra: dict) -> None:
    item = {
        "id": "v3",
        "text": 'quote " newline \n  ] bracket',
        "n": [1.5e-7, None, {"deep": [[]]}],
        "ü": "✓",
    }
    versions = [{"id": "v1", "versions": [1]}, {"id": "v2"}]
    head = {"id": "a", "updatedAt": "t2", **extra}
    before = {**head, "updatedAt": "t1", "versions": versions}
    after = {**head, "versions": [*versions, item]}
    assert dump_json_appending(dump_json(before), head, "versions", item) == dump_json(after)
    assert dump_json_appending(dump_json({**before, "versions": []}), head, "versions", item) is None
    assert dump_json_appending(dump_json({"versions": versions, "x": 1}), head, "versions", item) is None
