"""The analyst's report (HTML), the memo (Markdown) and the spreadsheet (CSV) of scenario files.

The HTML must stand alone (no script, no request of any kind), parse with balanced tags, escape
every text, and draw what it claims: timelines dated at their boundaries, heatmaps with a letter
in every cell. Markdown and CSV carry one line per verdict where a reader expects one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine.cli import main
from engine.reading.loader import display
from engine.rendering.csvout import COLUMNS, render_csv
from engine.rendering.html import render_report
from engine.rendering.markdown import Entry, render_markdown
from engine.scenario import run
from engine.workspace import Workspace
from tests.paths import ROOT

GOLDEN = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
DAY = date(2025, 9, 2)

#: Elements that have no end tag in HTML.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

ONE_OF_EACH = """
scenario: Armenia, one of each
description: A join, a matrix and a timeline of the same bid.
world: default
as_of: 2025-09-01
trust: medium
questions:
  - id: before
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {verdict: blocked, failing: [sco.relations]}
  - id: neighbours
    matrix: {orgs: [SCO, BRICS], states: [ARM, AZE, TUR, EGY]}
  - id: story
    timeline: {state: ARM, org: SCO, from: 2024-01-01, until: 2026-01-01}
"""

HOSTILE = """
scenario: <script>alert("title")</script> & co
description: '"><img src=x onerror=alert(1)> see javascript:alert(2)'
as_of: 2025-09-01
world:
  default_relations: none
  states:
    - {code: ARM, name: "Armenia <b>", region: Asia}
    - {code: PAK, name: Pakistan, region: Asia}
  organizations:
    - code: SCO
      name: Shanghai Cooperation Organisation
      statuses: [member, observer, dialogue_partner]
      versions:
        - valid_from: 2010-06-11
          conditions:
            - id: sco.relations
              text: The applicant has diplomatic relations with every member state <i>
              source: 'javascript:alert(3) and <a href="http://evil.example/">x</a> and https://example.org/a?b=1&c=2'
              check: {relations_with: members}
          decision:
            - {by: members, pass: unanimity}
  events:
    - {admit: PAK, to: SCO, as: member, on: 2017-06-09}
    - {establish: [ARM, PAK], on: 2025-08-31}
questions:
  - id: before
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
  - id: story
    timeline: {state: ARM, org: SCO, from: 2024-01-01, until: 2026-01-01}
"""


class Checked(HTMLParser):
    """Reads a report, keeping what the tests look at: the tag stack, links, sources, heatmap cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str]] = []  # (class, text) of each heatmap cell
        self.style = ""
        self._cell: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        klass = dict(attrs).get("class") or ""
        if tag == "td" and klass.startswith("c-"):
            self._cell, self._text = klass, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))  # <line .../> in SVG: opened and closed at once

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()
        if tag == "td" and self._cell is not None:
            self.cells.append((self._cell, "".join(self._text)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)
        if self.stack and self.stack[-1] == "style":
            self.style += data


def checked(document: str) -> Checked:
    """The report parsed, with every rule of a self-contained page asserted."""
    parser = Checked()
    parser.feed(document)
    parser.close()
    assert document.startswith("<!DOCTYPE html>")
    assert parser.unbalanced == []
    assert parser.stack == []
    assert "<script" not in document.lower()
    assert "@import" not in parser.style
    assert "url(" not in parser.style
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed", "link", "base", "form"), tag
        assert "src" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "url(" not in (attrs.get("style") or "")
        href = attrs.get("href")
        if href is not None:
            # A source's link, or a place inside the report; nothing else is ever linked.
            assert (tag == "a" and re.match(r"https?://", href)) or href.startswith("#"), (tag, href)
        for name in ("xlink:href", "srcset", "poster", "data", "action", "formaction"):
            assert name not in attrs, (tag, name)
    return parser


def answered(workspace: Workspace, path: Path) -> Entry:
    prepared = workspace.prepare_file(path)
    return Entry(display(path), run(prepared), prepared.scenario.description)


@pytest.fixture(scope="module")
def golden(workspace: Workspace) -> dict[str, Entry]:
    return {path.name: answered(workspace, path) for path in GOLDEN}


@pytest.fixture(scope="module")
def one_of_each(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Entry:
    path = tmp_path_factory.mktemp("report") / "one-of-each.yaml"
    path.write_text(ONE_OF_EACH, encoding="utf-8")
    return answered(workspace, path)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_every_golden_scenario_has_a_self_contained_report(golden: dict[str, Entry], path: Path) -> None:
    entry = golden[path.name]
    document = render_report([entry], DAY)
    checked(document)
    assert f"<h2>{entry.result.title.replace('&', '&amp;')}</h2>" in document.replace("&#x27;", "'")
    assert "generated 2025-09-02" in document
    assert entry.result.evaluated_on is not None
    assert entry.result.evaluated_on.revision in document
    for answer in entry.result.answers:
        assert answer.id in document
        if answer.expect is not None:
            assert ("Expectation met" if answer.passed else "Expectation NOT met") in document


def test_the_example_report_is_written(golden: dict[str, Entry]) -> None:
    """Every golden scenario in one report, kept in build/ (git-ignored) for a person to look at."""
    document = render_report(golden.values(), DAY)
    parser = checked(document)
    target = ROOT / "build" / "report-example.html"
    target.parent.mkdir(exist_ok=True)
    target.write_text(document, encoding="utf-8")
    sections = [attrs for tag, attrs in parser.tags if tag == "section"]
    assert len(sections) == len(GOLDEN)
    # Printed, each scenario starts a page; nothing needs a dark page.
    assert re.search(r"@media print \{[^@]*section\.scenario \{ break-before: page;", parser.style)


def _svg_of(document: str, question_id: str) -> str:
    """The timeline drawing of one question: the first SVG after its heading."""
    start = document.index(f"<span>{question_id}</span>")
    return document[document.index("<svg", start) : document.index("</svg>", start) + len("</svg>")]


def test_the_armenia_report_names_pakistan_and_dates_the_boundary(golden: dict[str, Entry]) -> None:
    document = render_report([golden["armenia-sco.yaml"], golden["bids-as-stories.yaml"]], DAY)
    checked(document)
    assert "Pakistan" in document
    svg = _svg_of(document, "armenia-sco")
    assert ">2025-08-31</text>" in svg  # the boundary, dated under the bands
    assert ">2024-01-01</text>" in svg
    assert ">2026-01-01</text>" in svg
    # Each band has its verdict in words as well as in colour, and the event that began the second
    # is a marker whose tooltip names it.
    assert ">blocked (sco.relations)</text>" in svg
    assert ">undetermined</text>" in svg
    assert re.search(r'<path [^>]*class="marker"><title>2025-08-31: Armenia and Pakistan establish', svg)


def test_every_heatmap_cell_has_its_letter(golden: dict[str, Entry], one_of_each: Entry) -> None:
    for entry in (golden["armenia-sco.yaml"], one_of_each):
        parser = checked(render_report([entry], DAY))
        assert parser.cells
        for klass, letter in parser.cells:
            assert klass == f"c-{letter}", (klass, letter)
    cells = checked(render_report([one_of_each], DAY)).cells
    # EGY is a member of BRICS: its BRICS cell says so (M), beside its SCO verdict.
    assert ("c-M", "M") in cells
    assert len(cells) == 4 * 2


def test_text_is_escaped_and_only_http_urls_are_links(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    document = render_report([answered(workspace, path)], DAY)
    parser = checked(document)
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; co" in document
    assert "<b>" not in document
    assert "<i>" not in document
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a" and not (attrs["href"] or "").startswith("#")]
    # Both URLs of the source are http(s), so both are links; the tag written around one stays text.
    assert set(links) == {"http://evil.example/", "https://example.org/a?b=1&c=2"}
    assert "&lt;a href=&quot;" in document
    assert "javascript:" not in "".join(str(attrs) for _, attrs in parser.tags)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in document


def test_markdown_has_a_heading_per_question_and_a_table_row_per_verdict(one_of_each: Entry) -> None:
    memo = render_markdown([one_of_each], DAY)
    result = one_of_each.result
    assert memo.startswith("# accede report\n")
    assert "\n## Armenia, one of each\n" in memo
    assert "A join, a matrix and a timeline of the same bid." in memo
    assert "\n### before (join): blocked, 2025-08-30\n" in memo
    assert "Armenia cannot join the SCO on 2025-08-30: it has no diplomatic relations with Pakistan" in memo
    assert "\n### neighbours (matrix), 2025-09-01\n" in memo
    assert "\n### story (timeline), 2024-01-01 to 2026-01-01\n" in memo
    matrix = result.verdicts["neighbours"].to_json()["rows"]
    for row in matrix:
        assert f"| {row['state']} | {row['org']} | {row['verdict']} |" in memo
    for band in result.verdicts["story"].to_json()["intervals"]:
        assert f"| {band['from']} | {band['until']} | {band['verdict']} |" in memo
    assert "Expectation met." in memo


def test_csv_has_one_row_per_verdict(one_of_each: Entry) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv([one_of_each]))))
    result = one_of_each.result
    assert rows
    assert set(rows[0]) == set(COLUMNS)
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        assert row["scenario"] == "Armenia, one of each"
        by_question.setdefault(row["question"], []).append(row)

    (join,) = by_question["before"]
    assert (join["kind"], join["state"], join["org"], join["date"]) == ("join", "ARM", "SCO", "2025-08-30")
    assert (join["verdict"], join["failing"], join["unknown"]) == ("blocked", "sco.relations", "")

    matrix = result.verdicts["neighbours"].to_json()["rows"]
    assert [(r["state"], r["org"], r["verdict"], r["failing"].split()) for r in by_question["neighbours"]] == [
        (r["state"], r["org"], r["verdict"], r["failing"]) for r in matrix
    ]
    assert all(r["date"] == "2025-09-01" for r in by_question["neighbours"])

    intervals = result.verdicts["story"].to_json()["intervals"]
    story = by_question["story"]
    assert [(r["from"], r["until"], r["verdict"]) for r in story] == [
        (b["from"], b["until"], b["verdict"]) for b in intervals
    ]
    assert story[0]["from"] == "2024-01-01"
    assert story[-1]["until"] == "2026-01-01"
    assert "2025-08-31" in {r["from"] for r in story}


def test_csv_lists_earliest_dates_and_keeps_formulas_out(golden: dict[str, Entry]) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv([golden["bids-as-stories.yaml"]]))))
    (found,) = [r for r in rows if r["kind"] == "earliest"]
    assert (found["state"], found["org"], found["date"], found["verdict"]) == ("FIN", "NATO", "2023-03-30", "eligible")
    entry = golden["armenia-sco.yaml"]
    hostile = Entry("=cmd.csv", replace(entry.result, title='=HYPERLINK("x")'))
    rows = list(csv.DictReader(io.StringIO(render_csv([hostile]))))
    assert {(r["scenario"], r["file"]) for r in rows} == {('\'=HYPERLINK("x")', "'=cmd.csv")}


# The command line: `accede report` and `accede run --format`.


@pytest.fixture
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


ARMENIA = "fixtures/scenarios/armenia-sco.yaml"


@pytest.mark.usefixtures("_at_root")
def test_report_command_writes_one_html_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    assert main(["report", ARMENIA, "fixtures/scenarios/bids-as-stories.yaml", "-o", str(target)]) == 0
    checked(target.read_text(encoding="utf-8"))
    assert "2 scenarios" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.usefixtures("_at_root")
def test_report_format_follows_the_suffix(tmp_path: Path) -> None:
    assert main(["report", ARMENIA, "-o", str(tmp_path / "memo.md")]) == 0
    assert (tmp_path / "memo.md").read_text(encoding="utf-8").startswith("# accede report\n")
    assert main(["report", ARMENIA, "-o", str(tmp_path / "rows.csv")]) == 0
    assert (tmp_path / "rows.csv").read_text(encoding="utf-8").startswith(",".join(COLUMNS) + "\n")


@pytest.mark.usefixtures("_at_root")
def test_report_into_a_missing_folder_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", ARMENIA, "-o", str(tmp_path / "nowhere" / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "file.not-found" in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("_at_root")
def test_run_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--format", "json", ARMENIA]) == 0
    as_format = capsys.readouterr().out
    assert main(["run", "--json", ARMENIA]) == 0
    assert capsys.readouterr().out == as_format
    assert main(["run", "--format", "html", ARMENIA]) == 0
    checked(capsys.readouterr().out)
    assert main(["run", "--format", "markdown", ARMENIA]) == 0
    assert "\n### before (join): blocked, 2025-08-30\n" in capsys.readouterr().out
    assert main(["run", "--format", "csv", ARMENIA]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["question"] for r in rows if r["kind"] == "join"] == ["before", "day-of-relations", "after"]
    assert main(["run", "--format", "text", ARMENIA]) == 0
    assert "Armenia cannot join the SCO on 2025-08-30" in capsys.readouterr().out


@pytest.mark.usefixtures("_at_root")
def test_json_and_another_format_disagree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--json", "--format", "csv", ARMENIA]) == 2
    assert "--format" in capsys.readouterr().err
