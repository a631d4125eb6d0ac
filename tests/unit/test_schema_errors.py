"""pydantic's errors as accede's problems (``engine/reading/schema_errors.py``), ``shown`` and
``Problem.render`` (``engine/common/errors.py``), and reading what is valid of a broken document
(``loader.validate(partial=...)``, ``load_world_folder(check=...)``).

One mistake is one problem, at the line and field of the mistake, in words that say what is
allowed; nothing a user writes can break a problem's line or make it read like Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

import pytest

from engine import models as m
from engine.common.errors import AccedeError, Problem, did_you_mean, shown
from engine.compiler.world import compile_world
from engine.reading.loader import WorldInput, load_world_folder, parse_event, validate
from engine.reading.schema_errors import original_path, prune
from engine.reading.yaml12 import Document, parse_yaml
from engine.workspace import Workspace

REPRS = ("{'", "('", "[{")

SCENARIO = "scenario: s\nas_of: 2025-09-01\n"


def problems_of(text: str, model: type[m.Model] = m.Scenario) -> list[Problem]:
    doc = parse_yaml(text, "f.yaml")
    with pytest.raises(AccedeError) as caught:
        validate(doc, model)
    return list(caught.value.problems)


def only(text: str, model: type[m.Model] = m.Scenario) -> Problem:
    found = problems_of(text, model)
    assert len(found) == 1, [p.render() for p in found]
    return found[0]


# -- shown and render ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ARM", "ARM"),
        ("AR\nM", "AR\\nM"),
        ("A\tB\rC", "A\\tB\\rC"),
        ("\x00\x1b\x7f", "\\u0000\\u001b\\u007f"),
        ("\x85\x9f", "\\u0085\\u009f"),  # C1 controls (NEL ends a line in some terminals)
        ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # what str.splitlines splits on
        ("\u202egnp.exe", "\\u202egnp.exe"),  # a bidi override reorders what is read
        ("\ud800", "\\ud800"),  # a lone surrogate (JSON can carry one)
        ("Côte d\u2019Ivoire", "Côte d\u2019Ivoire"),  # non-ASCII text is not a control
    ],
)
def test_shown_escapes_what_would_break_or_disguise_a_line(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_shown_cuts_long_text_to_its_limit() -> None:
    assert shown("a" * 60) == "a" * 60
    assert shown("a" * 61) == "a" * 59 + "…"
    assert len(shown("x" * 10_000)) == 60
    assert shown("abcdef", limit=4) == "abc…"
    # An escape is never cut in half.
    assert shown("abc\ndef", limit=5) == "abc…"
    assert shown(12345) == "12345"


def test_render_keeps_a_problem_on_one_line() -> None:
    problem = Problem(
        "world.unknown-state", "unknown state `A\nf.yaml:1:1: yaml.syntax: forged`", file="f.yaml", line=1, field="a\nb"
    )
    rendered = problem.render()
    assert len(rendered.splitlines()) == 1
    assert rendered == (
        "f.yaml:1: world.unknown-state: unknown state `A\\nf.yaml:1:1: yaml.syntax: forged` (field `a\\nb`)"
    )


def test_did_you_mean_never_suggests_the_word_typed() -> None:
    assert did_you_mean("orgs", ["orgs", "org"]) == " (did you mean `org`?)"
    assert did_you_mean("orgs", ["orgs"]) == ""


def test_a_newline_in_a_state_code_cannot_forge_a_problem_line() -> None:
    text = SCENARIO + 'questions:\n  - join: {state: "AR\\nf.yaml:1:1: yaml.syntax: forged", org: SCO}\n'
    doc = parse_yaml(text, "f.yaml")
    with pytest.raises(AccedeError) as caught:
        Workspace().run_document(doc)
    (problem,) = caught.value.problems
    assert problem.code == "world.unknown-state"
    assert "\n" not in problem.message
    assert len(str(caught.value).splitlines()) == 1


# -- one problem per mistake, where it was made ----------------------------------------------------

CASES = [
    pytest.param(
        SCENARIO + "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n    expect: {verdict: blockd}\n",
        m.Scenario,
        "schema.invalid-value",
        6,
        "questions[0].expect.verdict",
        "`blockd` is not a verdict; one of `eligible`, `undetermined`, `blocked`",
        id="verdict-typo-inside-a-join",
    ),
    pytest.param(
        SCENARIO + "changes:\n  - {establish: [ARM, PAK], on: 2025-13-01}\nquestions: [{matrix: {}}]\n",
        m.Scenario,
        "date.invalid",
        4,
        "changes[0].on",
        "`2025-13-01` is not an ISO 8601 calendar date",
        id="date-of-a-change",
    ),
    pytest.param(
        "events:\n  - {admit: ARM, to: SCO, as: observer, on: 2025-13-01}\n",
        m.WorldFile,
        "date.invalid",
        2,
        "events[0].on",
        "`2025-13-01` is not an ISO 8601 calendar date",
        id="date-of-a-world-event",
    ),
    pytest.param(
        SCENARIO + "questions:\n  - join: {state: ARM, orgs: SCO}\n",
        m.Scenario,
        "schema.unknown-field",
        4,
        "questions[0].join.orgs",
        "unknown field `orgs` (did you mean `org`?)",
        id="misspelt-required-key-is-one-problem",
    ),
    pytest.param(
        SCENARIO + "questions:\n  - matrix: {org: SCO}\n",
        m.Scenario,
        "schema.unknown-field",
        4,
        "questions[0].matrix.org",
        "unknown field `org` (did you mean `orgs`?)",
        id="suggestion-from-the-model-at-hand",
    ),
    pytest.param(
        "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    decision:\n"
        "      - {by: members, pass: unanimty}\n",
        m.Organization,
        "schema.invalid-value",
        6,
        "versions[0].decision[0].pass",
        "`unanimty` is not a pass rule; one of `unanimity`, `majority`, `two_thirds`, `{at_least: N}`"
        " (did you mean `unanimity`?)",
        id="pass-typo",
    ),
    pytest.param(
        "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    decision:\n"
        "      - {by: members, pass: {atleast: 9}}\n",
        m.Organization,
        "schema.unknown-field",
        6,
        "versions[0].decision[0].pass.atleast",
        "(did you mean `{at_least: N}`?)",
        id="pass-mapping-typo",
    ),
    pytest.param(
        "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    decision:\n"
        "      - {by: members, pass: {at_least: nine}}\n",
        m.Organization,
        "schema.invalid-value",
        6,
        "versions[0].decision[0].pass.at_least",
        "expected a whole number, found `nine`",
        id="the-union-member-that-came-closest",
    ),
    pytest.param(
        SCENARIO + "world: 5\nquestions: [{matrix: {}}]\n",
        m.Scenario,
        "schema.invalid-value",
        3,
        "world",
        "expected text or a mapping, found `5`",
        id="no-union-member-fits",
    ),
    pytest.param(
        "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    conditions:\n"
        "      - {id: a, text: t, check: {all: [{sanctioned: yes}]}}\n",
        m.Organization,
        "schema.invalid-value",
        6,
        "versions[0].conditions[0].check.all[0].sanctioned",
        "expected `true` or `false`, found `yes`",
        id="an-emptied-list-is-not-reported-again",
    ),
    pytest.param(
        SCENARIO + "changes:\n  - {establish: [ARM]}\nquestions: [{matrix: {}}]\n",
        m.Scenario,
        "schema.invalid-value",
        4,
        "changes[0].establish",
        "expected 2 items here, found 1",
        id="pair-too-short",
    ),
    pytest.param(
        SCENARIO + "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n    expect: [{verdict: blocked}]\n",
        m.Scenario,
        "schema.not-mapping",
        6,
        "questions[0].expect",
        "expected a mapping here, found a list",
        id="a-list-of-mappings-is-named-not-shown",
    ),
]


@pytest.mark.parametrize(("text", "model", "code", "line", "field", "words"), CASES)
def test_one_problem_at_the_mistake(
    text: str, model: type[m.Model], code: str, line: int, field: str, words: str
) -> None:
    problem = only(text, model)
    assert (problem.code, problem.line, problem.field) == (code, line, field), problem.render()
    assert words in problem.message, problem.message


def test_allowed_values_are_read_from_the_model() -> None:
    # Values added to the Literal (the `member` verdict) appear in the message by themselves.
    problem = only(SCENARIO + "questions:\n  - join: {state: ARM, org: SCO}\n    expect: {verdict: blockd}\n")
    allowed = get_args(m.VerdictName)
    assert problem.message == (
        "`blockd` is not a verdict; one of " + ", ".join(f"`{v}`" for v in allowed) + " (did you mean `blocked`?)"
    )


def test_unknown_keys_are_compared_with_their_own_model_only() -> None:
    # `txt` is close to a condition's `text`, but this is a decision stage: no suggestion.
    text = "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    decision:\n"
    text += "      - {by: members, pass: unanimity, txt: x}\n"
    problem = only(text, m.Organization)
    assert problem.message == "unknown field `txt`"


def test_a_key_written_twice_over_is_not_suggested_back() -> None:
    problem = only(SCENARIO + "questions:\n  - join: {state: ARM, org: SCO, orgs: [SCO]}\n")
    assert problem.message == "unknown field `orgs`"


BAD = [
    {"scenario": "s", "as_of": "2025-01-01", "world": {"states": [{"code": "A\nB"}]}, "questions": []},
    {"scenario": "s", "as_of": {"y": 2025}, "questions": [[{"a": 1}]], "assume": ["x"]},
    {"scenario": "s", "as_of": "2025-01-01", "changes": [{"establish": [{"a": 1}, ("b",)]}], "questions": [5]},
    {"scenario": "s", "as_of": "2025-01-01", "questions": [{"leverage": {"kinds": [{"x": 1}], "limit": "a"}}]},
    {"scenario": "s", "as_of": "2025-01-01", "questions": [{"join": {"state": "A" * 500, "org": {"x": [1]}}}]},
    {"scenario": "s" * 3000, "as_of": "2025-01-01", "amend": {"SCO": {"add": [{"check": {"nope": 1}}]}}},
    {"scenario": "s", "as_of": "2025-01-01", "questions": [{"join\n": {}}], "\u202ekey": 1},
]


@pytest.mark.parametrize("data", BAD)
def test_no_message_reads_like_python_or_breaks_its_line(data: dict[str, Any]) -> None:
    with pytest.raises(AccedeError) as caught:
        validate(Document("f.yaml", data), m.Scenario)
    for problem in caught.value.problems:
        assert not [r for r in REPRS if r in problem.message], problem.message
        assert "Input should" not in problem.message
        assert "\n" not in problem.message
        assert len(problem.message) < 400
        assert len(problem.render().splitlines()) == 1


def test_an_event_read_alone_names_its_field() -> None:
    # A watcher's line is validated as a bare event: the root type is read from the error.
    with pytest.raises(AccedeError) as caught:
        parse_event(Document("<line>", {"establish": ["ARM", "PAK"], "on": "2025-13-01"}))
    (problem,) = caught.value.problems
    assert (problem.code, problem.field) == ("date.invalid", "on")


# -- reading what is valid of a broken document ----------------------------------------------------

TWO_QUESTIONS = SCENARIO + (
    "questions:\n"
    "  - id: bad\n"
    "    join: {state: ARM, org: SCO}\n"
    "    expect: {verdict: blockd}\n"
    "  - id: good\n"
    "    join: {state: ARM, org: SCO}\n"
)


def test_partial_drops_the_items_that_hold_the_problems() -> None:
    doc = parse_yaml(TWO_QUESTIONS, "f.yaml")
    partial: list[Problem] = []
    kept: dict[tuple[str | int, ...], list[int]] = {}
    scenario = validate(doc, m.Scenario, partial=partial, kept=kept)
    assert [q.id for q in scenario.questions] == ["good"]
    (problem,) = partial
    assert (problem.code, problem.line, problem.field) == ("schema.invalid-value", 6, "questions[0].expect.verdict")
    assert kept == {("questions",): [1]}
    assert original_path(("questions", 0, "join"), kept) == ("questions", 1, "join")
    # The document itself is untouched.
    assert len(doc.data["questions"]) == 2


def test_without_partial_a_broken_document_raises_as_before() -> None:
    doc = parse_yaml(TWO_QUESTIONS, "f.yaml")
    with pytest.raises(AccedeError) as caught:
        validate(doc, m.Scenario)
    assert [p.field for p in caught.value.problems] == ["questions[0].expect.verdict"]


@pytest.mark.parametrize(
    "text",
    [
        # A problem outside any list item: nothing can be dropped.
        "scenario: s\nas_of: 2025-13-01\nquestions: [{matrix: {}}]\n",
        # Dropping the only question leaves too few: the document cannot be read in part.
        SCENARIO + "questions:\n  - {join: {state: ARM, org: SCO}, expect: {verdict: blockd}}\n",
    ],
)
def test_partial_raises_every_problem_when_the_rest_cannot_be_read(text: str) -> None:
    partial: list[Problem] = []
    with pytest.raises(AccedeError) as caught:
        validate(parse_yaml(text, "f.yaml"), m.Scenario, partial=partial)
    assert len(caught.value.problems) == 1
    assert partial == []


def test_partial_drops_an_enclosing_item_when_the_smallest_one_is_not_enough() -> None:
    text = "org: SCX\nname: x\nversions:\n  - valid_from: 2010-01-01\n    conditions:\n"
    text += "      - {id: a, text: t, check: {sanctioned: false}}\n"
    text += "      - {id: b, text: t, check: {all: [{sanctioned: yes}]}}\n"
    partial: list[Problem] = []
    org = validate(parse_yaml(text, "r.yaml"), m.Organization, partial=partial)
    # `all` would be empty without its one part: the condition goes instead.
    assert [c.id for c in org.versions[0].conditions] == ["a"]
    assert [p.field for p in partial] == ["versions[0].conditions[1].check.all[0].sanctioned"]


def test_prune_renumbers_nested_lists() -> None:
    data = {"a": [{"b": [1, 2, 3]}, {"b": [4, 5]}, {"b": [6]}]}
    pruned, kept = prune(data, [("a", 0), ("a", 1, "b", 0)])
    assert pruned == {"a": [{"b": [5]}, {"b": [6]}]}
    assert original_path(("a", 0, "b", 0), kept) == ("a", 1, "b", 1)
    assert data["a"][0] == {"b": [1, 2, 3]}


WORLD = """\
name: toy
default_relations: none
states:
  - {code: AAA, name: Aland, region: Europe}
  - {code: BBB, name: Bland, region: Europe}
  - {code: CCC, name: Cland, region: Europe}
  - {code: DDD, name: Dland, regoin: Europe}
organizations:
  - code: ORG
    name: The Organisation
    versions: [{valid_from: 2000-01-01, decision: [{by: members, pass: unanimity}]}]
"""
HISTORY = """\
events:
  - {establish: [AAA, BBB], on: 2025-13-01}
  - {sever: [AAA, BBB], on: 2026-01-01}
  - {sever: [AAA, BBB], on: 2026-02-01}
  - {establish: [AAA, CCC], on: 2027-02-01}
  - {establish: [AAA, CCC], on: 2027-03-01}
"""


def compiled(inp: WorldInput) -> Iterable[Problem]:
    try:
        compile_world(inp)
    except AccedeError as exc:
        return exc.problems
    return ()


def world_folder(tmp_path: Path, world: str, history: str) -> Path:
    (tmp_path / "events").mkdir()
    (tmp_path / "world.yaml").write_text(world, encoding="utf-8")
    (tmp_path / "events" / "history.yaml").write_text(history, encoding="utf-8")
    return tmp_path


def test_a_world_folder_reports_the_schema_and_the_history_problems_in_one_run(tmp_path: Path) -> None:
    folder = world_folder(tmp_path, WORLD.replace("regoin", "region"), HISTORY)
    seen: list[WorldInput] = []

    def check(inp: WorldInput) -> Iterable[Problem]:
        seen.append(inp)
        return compiled(inp)

    with pytest.raises(AccedeError) as caught:
        load_world_folder(folder, check=check)
    found = {(p.code, Path(p.file or "").name, p.field) for p in caught.value.problems}
    assert found == {
        ("date.invalid", "history.yaml", "events[0].on"),
        # Located at its place in the file, not at its place among the events kept.
        ("history.contradiction", "history.yaml", "events[4]"),
    }
    # The dropped event is never evaluated; the contradictions on its fact (the second `sever`
    # could be fine, depending on the date it was meant to have) are not reported.
    (inp,) = seen
    assert [loc.path for _, loc in inp.events] == [("events", 1), ("events", 2), ("events", 3), ("events", 4)]


def test_a_dropped_state_is_not_reported_unknown_wherever_it_is_named(tmp_path: Path) -> None:
    folder = world_folder(tmp_path, WORLD, "events:\n  - {establish: [AAA, DDD], on: 2020-01-01}\n")
    with pytest.raises(AccedeError) as caught:
        load_world_folder(folder, check=compiled)
    assert [(p.code, p.field) for p in caught.value.problems] == [("schema.unknown-field", "states[3].regoin")]


def test_without_check_a_world_folder_reports_its_schema_problems_only(tmp_path: Path) -> None:
    folder = world_folder(tmp_path, WORLD.replace("regoin", "region"), HISTORY)
    with pytest.raises(AccedeError) as caught:
        load_world_folder(folder)
    assert [p.field for p in caught.value.problems] == ["events[0].on"]
