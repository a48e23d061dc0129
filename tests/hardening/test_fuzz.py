"""Fuzzing (hypothesis) of the loaders, the nextJobs templating and the image decoder: every input gives a
result or a clear InvalidInput/NotFound — never another exception, never a write outside the project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assetgen.errors import InvalidInput
from assetgen.image_files import decode_rgba, encode_png
from assetgen.jobs import substitute
from assetgen.models import RECORD_MODELS
from assetgen.models.base import parse_model
from assetgen.store import ProjectStore

pytestmark = pytest.mark.hardening

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
KEYS = [
    "id",
    "projectId",
    "type",
    "status",
    "input",
    "output",
    "assetType",
    "title",
    "style",
    "scenario",
    "prompt",
    "versions",
    "variants",
    "frames",
    "weights",
    "releases",
    "scope",
    "checkpointId",
    "name",
    "text",
]
RECORDISH = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8)


@FUZZ
@given(folder=st.sampled_from(sorted(RECORD_MODELS)), data=RECORDISH | JSON)
def test_every_record_model_accepts_or_explains(folder: str, data: object) -> None:
    try:
        parse_model(RECORD_MODELS[folder], data, where=f"{folder}/x.json")
    except InvalidInput as exc:
        assert f"{folder}/x.json" in str(exc)


@FUZZ
@given(raw=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_damaged_record_files_are_clear_errors(demo_store: ProjectStore, raw: bytes) -> None:
    path = demo_store.record_path("demo", "jobs", "fuzzed")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    try:
        demo_store.read("demo", "jobs", "fuzzed")
    except InvalidInput as exc:
        assert "fuzzed.json" in str(exc)


PLACEHOLDER_TEXT = st.lists(
    st.sampled_from(["$output.", "$input.", "$projectId", "$jobId", "a", "b", ".", "/", "$", "x_1", " "]),
    max_size=8,
).map("".join)


@FUZZ
@given(
    template=st.recursive(
        PLACEHOLDER_TEXT | JSON,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
        max_leaves=10,
    ),
    output=st.dictionaries(st.sampled_from(["a", "b", "x_1"]), JSON, max_size=3),
)
def test_templating_substitutes_or_refuses(template: object, output: dict) -> None:
    try:
        result = substitute(template, project_id="p", job_id="j", job_input={"a": 1}, job_output=output)
    except InvalidInput:
        return
    text = json.dumps(result)
    for leftover in re.findall(r"\$(?:output|input)\.([A-Za-z0-9_]+)", text):
        # whatever survived was not a placeholder in the template (e.g. produced by a value itself)
        assert leftover in json.dumps(output) or leftover in json.dumps(template)


# Placeholders with the values they must become; literal text never touches a placeholder's name.
PLACEHOLDER_VALUES = {"$projectId": "p", "$jobId": "j", "$input.a": 1, "$output.a": None, "$output.b": None}
LITERAL = st.text(alphabet=" -/:,", min_size=1, max_size=4)


@FUZZ
@given(
    parts=st.lists(st.sampled_from(sorted(PLACEHOLDER_VALUES)) | LITERAL, min_size=1, max_size=6),
    values=st.tuples(
        st.integers() | st.booleans() | st.text(alphabet="xyz ", max_size=6), st.none() | st.integers()
    ),
)
def test_templating_puts_the_values_where_the_placeholders_were(parts: list[str], values: tuple) -> None:
    """An oracle built by hand: a lone placeholder keeps its value's type, others are spliced in as text."""
    output = {"a": values[0], "b": values[1]}
    known = {**PLACEHOLDER_VALUES, "$output.a": output["a"], "$output.b": output["b"]}
    # two literals in a row are one literal; a placeholder followed by a placeholder stays two
    template = "".join(parts)
    if len(parts) == 1 and parts[0] in known:
        expected: object = known[parts[0]]
    else:
        expected = "".join("" if known.get(p, p) is None else str(known.get(p, p)) for p in parts)
    nested = {"k": [template, {"deep": template}], "n": 3}
    result = substitute(nested, project_id="p", job_id="j", job_input={"a": 1}, job_output=output)
    assert result == {"k": [expected, {"deep": expected}], "n": 3}


@FUZZ
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_image_decoder(raw: bytes) -> None:
    try:
        image = decode_rgba(raw, name="fuzz.png")
    except InvalidInput:
        return
    assert image.ndim == 3 and image.shape[2] == 4


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=2000),
    flip=st.integers(min_value=0, max_value=2000),
    value=st.integers(min_value=0, max_value=255),
)
def test_damaged_pngs_decode_or_fail_clearly(cut: int, flip: int, value: int) -> None:
    data = bytearray(encode_png(__import__("numpy").full((24, 24, 4), 90, "uint8")))
    if flip < len(data):
        data[flip] = value
    try:
        decode_rgba(bytes(data[: max(cut, 1)]), name="damaged.png")
    except InvalidInput:
        pass


def test_cli_refuses_hostile_ids_on_every_command(tmp_path: Path, capsys) -> None:
    """Every command with a project/spec/asset/job id argument: '../x' is one line, exit 2, nothing written."""
    from orchestrator.cli import build_parser, main

    data = tmp_path / "data"
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    tried = 0
    for name, command in commands.items():
        verbs = [a for a in command._actions if a.dest == "verb"]
        parsers = list(verbs[0].choices.items()) if verbs else [(None, command)]
        for verb, sub in parsers:
            positionals = [a for a in sub._actions if not a.option_strings and a.dest not in ("verb", "help")]
            id_args = [a for a in positionals if a.dest.endswith("_id") or a.dest.endswith("_ids")]
            if not id_args:
                continue
            argv = ["--data-dir", str(data), name, *([verb] if verb else [])]
            for action in positionals:
                if action.dest.endswith("_id") or action.dest.endswith("_ids"):
                    argv.append("../evil")
                elif action.nargs in ("+", "*"):
                    argv.append(str(tmp_path / "missing.png"))
                else:
                    argv.append(str(tmp_path / "missing.json"))
            capsys.readouterr()
            code = main(argv)
            err = capsys.readouterr().err
            assert code == 2, (argv, err)
            assert err.count("\n") == 1 and "Traceback" not in err, (argv, err)
            tried += 1
    assert tried >= 12
    print(f"hostile ids refused by {tried} CLI commands")
    assert not (tmp_path / "evil").exists() and not (data.parent / "evil").exists()
    assert not data.exists() or not any(p.name == "evil" for p in data.rglob("*"))
