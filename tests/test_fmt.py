"""``accede fmt``: the canonical layout (``engine/tooling/fmt.py``) and the command (``engine/cli/fmt.py``)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from engine.cli import main
from engine.common.errors import AccedeError
from engine.reading.yaml12 import parse_yaml
from engine.tooling import fmt
from engine.tooling.fmt import LayoutError, format_text
from tests.paths import ROOT

BUNDLED = sorted(p for folder in ("rules", "fixtures") for p in (ROOT / folder).rglob("*.y*ml"))


def doc(*lines: str) -> str:
    """A file of these lines."""
    return "".join(line + "\n" for line in lines)


def data(text: str) -> str:
    """What a text means to the engine (JSON keeps `true` apart from `1`)."""
    return json.dumps(parse_yaml(text, "t.yaml").data, sort_keys=True)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the layout -------------------------------------------------------------------------------------


def test_keys_follow_the_models_field_order_and_unknown_keys_keep_theirs() -> None:
    text = doc(
        "versions:",
        "  - conditions:",
        "      - check: {relations_with: members}",
        "        text: Relations with every member",
        "        id: x.relations",
        "    valid_from: 2001-01-01",
        "zeta: 1",
        "name: The X",
        "alpha: 2",
        "org: X",
    )
    assert format_text(text) == doc(
        "org: X",
        "name: The X",
        "versions:",
        "  - valid_from: 2001-01-01",
        "    conditions:",
        "      - id: x.relations",
        "        text: Relations with every member",
        "        check: {relations_with: members}",
        "zeta: 1",
        "alpha: 2",
    )


def test_an_event_is_one_flow_line_its_fact_first_and_its_provenance_last() -> None:
    text = doc(
        "scenario: s",
        "as_of: 2025-09-01",
        "questions: [{id: q, join: {org: SCO, state: ARM}}]",
        "changes:",
        "  - source: Pakistan Today",
        "    on: 2025-08-31",
        "    establish:",
        "      - ARM",
        "      - PAK",
        "  - {in: SCO, by: AZE, oppose: ARM}",
    )
    assert format_text(text) == doc(
        "scenario: s",
        "as_of: 2025-09-01",
        "changes:",
        "  - {establish: [ARM, PAK], on: 2025-08-31, source: Pakistan Today}",
        "  - {oppose: ARM, by: AZE, in: SCO}",
        "questions:",
        "  - id: q",
        "    join: {state: ARM, org: SCO}",
    )


def test_a_question_reads_id_then_what_is_asked_then_when() -> None:
    text = doc(
        "scenario: s",
        "as_of: 2025-09-01",
        "questions:",
        "  - expect: {verdict: blocked}",
        "    as_of: 2025-08-30",
        "    join: {state: ARM, org: SCO}",
        "    id: before",
    )
    assert format_text(text).endswith(
        doc(
            "  - id: before",
            "    join: {state: ARM, org: SCO}",
            "    as_of: 2025-08-30",
            "    expect: {verdict: blocked}",
        )
    )


def test_a_long_event_stays_on_its_line() -> None:
    note = " ".join(["a note of many words"] * 20)
    out = format_text(doc("events:", "  - establish: [ARM, PAK]", "    on: 2025-08-31", f"    note: {note}"))
    assert out == doc("events:", f"  - {{establish: [ARM, PAK], on: 2025-08-31, note: {note}}}")


def test_a_comment_before_a_key_and_one_at_a_line_end_move_with_their_key() -> None:
    text = doc(
        "# the file's own comment",
        "versions: []",
        "# why this name",
        "name: The X   # as the treaty says",
        "org: X",
    )
    assert format_text(text) == doc(
        "# the file's own comment",
        "org: X",
        "# why this name",
        "name: The X   # as the treaty says",
        "versions: []",
    )


def test_comments_inside_what_becomes_one_line_go_above_it() -> None:
    text = doc(
        "events:",
        "  - establish: [A, B]  # the pair",
        "    # the day",
        "    on: 2001-01-01",
        "  - {sever: [A, B], on: 2002-01-01}  # kept",
    )
    assert format_text(text) == doc(
        "events:",
        "  # the pair",
        "  # the day",
        "  - {establish: [A, B], on: 2001-01-01}",
        "  - {sever: [A, B], on: 2002-01-01}  # kept",
    )


def test_a_comment_indented_under_a_finished_block_closes_it() -> None:
    text = doc(
        "org: X",
        "versions:",
        "  - conditions: []",
        "    valid_from: 2001-01-01",
        "    # more to come",
        "  - valid_from: 2002-01-01",
    )
    assert format_text(text) == doc(
        "org: X",
        "versions:",
        "  - valid_from: 2001-01-01",
        "    conditions: []",
        "    # more to come",
        "  - valid_from: 2002-01-01",
    )


def test_blank_lines_are_kept_once_and_never_open_a_block() -> None:
    text = doc("org: X", "", "", "name: Y", "versions:", "", "  - valid_from: 2001", "", "", "  - valid_from: 2002")
    assert format_text(text) == doc(
        "org: X", "", "name: Y", "versions:", "  - valid_from: 2001", "", "  - valid_from: 2002"
    )


def test_scalars_keep_their_quotes_and_block_scalars_are_reindented() -> None:
    text = doc(
        "org: 'X'", 'name: "Y"', "source: |", "        first", "          indented", "note: >-", "    fol", "    ded"
    )
    assert format_text(text) == doc(
        "org: 'X'", 'name: "Y"', "source: |", "  first", "    indented", "note: >-", "  fol", "  ded"
    )


def test_text_that_cannot_stay_as_written_inside_a_flow_line_is_quoted() -> None:
    text = doc(
        "events:", "  - sever: [A, B]", "    note: Armenia, Pakistan", "    source: |", "      two", "      lines"
    )
    assert format_text(text) == doc(
        "events:", '  - {sever: [A, B], source: "two\\nlines\\n", note: "Armenia, Pakistan"}'
    )


def test_an_expectation_that_lists_records_is_a_block_one_record_a_line() -> None:
    text = doc(
        "scenario: s",
        "as_of: 2025-09-01",
        "questions:",
        "  - id: m",
        "    matrix: {orgs: [SCO]}",
        "    expect: {counts: {undetermined: 14}, rows: [{state: ARM, verdict: undetermined}]}",
    )
    assert format_text(text).endswith(
        doc(
            "    expect:",
            "      rows:",
            "        - {state: ARM, verdict: undetermined}",
            "      counts: {undetermined: 14}",
        )
    )


def test_an_alias_is_written_out_and_the_anchor_dropped() -> None:
    text = "events:\n  - &e {sever: [A, B], on: 2001-01-01}\n  - *e\n"
    out = format_text(text)
    assert out == "events:\n  - {sever: [A, B], on: 2001-01-01}\n  - {sever: [A, B], on: 2001-01-01}\n"
    assert data(out) == data(text)


def test_line_ends_and_a_byte_order_mark_are_normalised() -> None:
    assert format_text("\ufefforg: X\r\nname: Y\r\n".encode()) == "org: X\nname: Y\n"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_keeps_its_data_and_is_formatted_once_for_all(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text, str(path))
    assert data(once) == data(text)
    assert format_text(once, str(path)) == once


def test_the_bundled_files_are_formatted() -> None:
    unformatted = [str(p.relative_to(ROOT)) for p in BUNDLED if format_text(p.read_bytes()) != p.read_text("utf-8")]
    assert unformatted == [], "run `accede fmt --write rules fixtures`"


# --- what is refused --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("org: X\nname: [unclosed\n", "yaml.syntax", 3),
        ("org: X\nname: !!str 123\n", "yaml.unsupported-tag", 2),
        ("org: X\nnote: !!python/object:os.system x\n", "yaml.unsupported-tag", 2),
        ("org: X\norg: Y\n", "yaml.duplicate-key", 2),
        ("- just\n- a list\n", "schema.not-mapping", 1),
    ],
)
def test_input_that_is_not_plain_data_in_a_mapping_is_refused_with_its_line(text: str, code: str, line: int) -> None:
    with pytest.raises(AccedeError) as caught:
        format_text(text, "bad.yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.file, problem.line) == (code, "bad.yaml", line)


def test_a_layout_that_would_change_the_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "_double_quoted", lambda text: '"changed"')
    with pytest.raises(LayoutError, match="change the file's data"):
        format_text("events:\n  - sever: [A, B]\n    note: |\n      two\n      lines\n")


def test_a_layout_that_would_lose_a_comment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "_inner_notes", lambda coll: [])
    with pytest.raises(LayoutError, match="comment"):
        format_text("events:\n  - sever: [A, B]  # why\n    on: 2001-01-01\n")


# --- the command ------------------------------------------------------------------------------------

MESSY = "name: The X\norg: X   # the code\nversions: []\n"
TIDY = "org: X   # the code\nname: The X\nversions: []\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "X.yaml").write_text(MESSY, encoding="utf-8")
    (tmp_path / "rules" / "Y.yml").write_text(TIDY.replace("X", "Y"), encoding="utf-8")
    (tmp_path / "rules" / ".hidden").mkdir()
    (tmp_path / "rules" / ".hidden" / "Z.yaml").write_text("not: [yaml", encoding="utf-8")
    (tmp_path / "rules" / "notes.txt").write_text("not: [yaml", encoding="utf-8")
    return tmp_path / "rules"


def test_check_lists_the_files_that_would_change_and_exits_1(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "fmt", "--check", str(files))
    assert status == 1
    assert out.splitlines() == [str(files / "X.yaml")]
    assert err.strip().splitlines()[-1] == "2 files checked, 1 would be reformatted"
    assert (files / "X.yaml").read_text(encoding="utf-8") == MESSY


def test_diff_is_the_default_and_prints_a_unified_diff(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default = run(capsys, "fmt", str(files / "X.yaml"))
    status, out, _ = run(capsys, "fmt", "--diff", str(files / "X.yaml"))
    assert default[:2] == (status, out)
    assert status == 1
    name = str(files / "X.yaml")
    assert out.startswith(f"--- {name}\n+++ {name} (formatted)\n@@ ")
    assert out.endswith("@@ -1,3 +1,3 @@\n+org: X   # the code\n name: The X\n-org: X   # the code\n versions: []\n")


def test_write_rewrites_in_place_then_check_passes(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = files / "X.yaml"
    target.chmod(0o640)
    status, out, err = run(capsys, "fmt", "--write", str(files))
    assert (status, out.splitlines()) == (0, [str(target)])
    assert "2 files checked, 1 reformatted" in err
    assert target.read_text(encoding="utf-8") == TIDY
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in files.iterdir()) == [".hidden", "X.yaml", "Y.yml", "notes.txt"]
    assert run(capsys, "fmt", "--check", str(files))[0] == 0


def test_write_goes_through_a_link_to_the_file_and_keeps_the_link(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(files / "X.yaml")
    status, out, err = run(capsys, "fmt", "--write", str(link), str(files / "X.yaml"))
    assert (status, out, err.strip()) == (0, f"{link}\n", "1 file checked, 1 reformatted")
    assert link.is_symlink()
    assert (files / "X.yaml").read_text(encoding="utf-8") == TIDY


def test_only_one_mode_may_be_given(files: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["fmt", "--check", "--write", str(files)])
    assert caught.value.code == 2


def test_bad_input_exits_2_with_file_and_line_and_writes_nothing(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("org: X\nname: {oops\n", encoding="utf-8")
    status, _, err = run(capsys, "fmt", "--write", str(files), str(broken), str(tmp_path / "missing.yaml"))
    assert status == 2
    assert f"{broken}:3:1: yaml.syntax: not valid YAML" in err
    assert f"{tmp_path / 'missing.yaml'}: file.not-found: no file or folder" in err
    assert (files / "X.yaml").read_text(encoding="utf-8") == MESSY


def test_a_diff_says_when_the_file_had_no_final_line_break(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "X.yaml"
    target.write_text("name: Y\norg: X", encoding="utf-8")
    status, out, _ = run(capsys, "fmt", str(target))
    assert status == 1
    assert out.endswith("-org: X\n\\ No newline at end of file\n")
    assert "+org: X\n name: Y\n" in out


def test_a_layout_fault_is_one_located_line_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(fmt, "_inner_notes", lambda coll: [])
    path = tmp_path / "notes.yaml"
    text = "events:\n  - sever: [A, B]  # why\n    on: 2001-01-01\n"
    path.write_text(text, encoding="utf-8")
    status, _out, err = run(capsys, "fmt", "--write", str(path))
    assert status == 2
    assert "Traceback" not in err
    assert f"{path}: internal.error: " in err
    assert "bug in `accede fmt`" in err
    assert path.read_text(encoding="utf-8") == text
