"""Answers as a Markdown memo: a heading per scenario and question, the sentences, then the tables.

The sentences are the terminal's (``prose.explain`` for joins; the text renderers' own lines for
the other kinds), so a memo, a report and a terminal never word one answer two ways. This module
also holds what the report formats share: ``Entry`` (one answered file), ``memo`` (a question's
sentences) and the horizon warning.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, NamedTuple

from rich.console import Console

from engine.compiler.evidence import Evidence
from engine.compiler.world import World
from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.questions import KINDS
from engine.questions.earliest import EarliestResult
from engine.questions.impact import ImpactResult
from engine.questions.leverage import LeverageResult
from engine.questions.order import OrderResult
from engine.questions.timeline import TimelineResult
from engine.rendering import text
from engine.rendering.jsonout import flow
from engine.rendering.prose import dated, event_phrase, explain, group_words, plural, remedy_phrase, rule_phrase
from engine.scenario import Answer, ScenarioResult

__all__ = [
    "LETTERS",
    "RENDERERS",
    "Entry",
    "beyond_horizon",
    "event_text",
    "fact_text",
    "horizon_warning",
    "memo",
    "met",
    "question_date",
    "render_markdown",
    "settle_lines",
    "stage_rule",
    "tally",
]

#: The one-letter verdicts of a heatmap cell (colour is never the only signal).
LETTERS = {"blocked": "B", "undetermined": "U", "eligible": "E", "member": "M"}


class Entry(NamedTuple):
    """One answered scenario file, as a report shows it."""

    file: str
    result: ScenarioResult
    description: str | None = None


def _captured(kind: str, world: World, result: Any) -> list[str]:
    """The lines the terminal prints for an answer, without colour or wrapping.

    The text renderers word order, impact, leverage, earliest and matrix answers inline; reading
    their output keeps one wording for every format instead of a second copy drifting apart.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=100_000, color_system=None, highlight=False, markup=False, emoji=False, soft_wrap=True
    )
    text.RENDERERS[kind](console, world, result)
    return [line.rstrip() for line in buffer.getvalue().splitlines() if line.strip()]


def memo(world: World, kind: str, result: Any) -> list[str]:
    """A question's sentences, as the terminal words them; leading spaces nest a line under the one above.

    What a report's tables show instead (a ranking, the conflicts and orders) is left out.
    """
    if kind == "join":
        return [explain(world, result)]
    if kind == "timeline":
        return [text.timeline_sentence(world, result)]
    lines = _captured(kind, world, result)
    if kind == "impact" or (kind == "leverage" and result.ranking):
        return lines[:1]
    if kind == "order":
        # The head and the largest sets (or "no admission blocks another"): tables show the conflicts and orders.
        counted = f"  {plural(result.orders, 'maximal order')} in all"
        end = next((k for k, line in enumerate(lines) if line.startswith(("  who blocks whom", counted))), len(lines))
        return lines[:end]
    return lines


def settle_lines(world: World, verdict: JoinVerdict) -> list[str]:
    """What would settle an undetermined verdict, as the terminal words it (its "to settle it" lines)."""
    if verdict.to_settle is None:
        return []
    lines = _captured("join", world, verdict)
    start = next((k for k, line in enumerate(lines) if line == "to settle it:"), len(lines))
    return [line.strip().removeprefix("- ") for line in lines[start + 1 :]]


def question_date(kind: str, result: Any) -> str:
    """The date (or period) a question is answered for, as a heading shows it."""
    if kind == "timeline":
        return f"{result.start.isoformat()} to {result.until.isoformat()}"
    if kind == "earliest":
        return f"from {result.start.isoformat()}"
    day: date = result.as_of
    return day.isoformat()


def beyond_horizon(world: World, kind: str, result: Any) -> bool:
    """Whether an answer reads facts past the world's horizon (the last date they were checked)."""
    horizon = world.facts.horizon
    if kind == "join":
        return bool(result.beyond_horizon)
    if kind == "timeline":
        return any(band.beyond_horizon for band in result.intervals)
    if horizon is None:
        return False
    if kind == "earliest":
        # "never" and a date past the horizon both rest on facts nobody has checked.
        return result.found is None or result.found > horizon
    return bool(result.as_of > horizon)


def horizon_warning(world: World) -> str:
    """The terminal's warning under a timeline past the horizon, said here of any answer past it."""
    day = world.facts.horizon.isoformat() if world.facts.horizon else "the horizon"
    return (
        f"Beware: facts after {day} (the world's horizon) are not known; "
        "terms of office that end, such as Security Council seats, read as vacant."
    )


def fact_text(e: Evidence) -> str:
    """One piece of evidence as the terminal lists it, without its source: "PAK: no diplomatic relations"."""
    return f"{e.state}: {e.fact}" + (f" {dated(e)}" if e.since is not None else "")


def event_text(world: World, event: dict[str, Any], on: str) -> str:
    """An event that began an interval, as the terminal cites it (low confidence said)."""
    doubt = " (low confidence: reported by one side)" if event.get("confidence") == "low" else ""
    return event_phrase(world, event, on, dated=False) + doubt


def stage_rule(world: World, verdict: JoinVerdict, stage: Any) -> str:
    """ "unanimity of the members of the SCO"."""
    return f"{rule_phrase(stage.pass_)} of {group_words(world, verdict.org, stage.by)}"


def _cell(value: str) -> str:
    """Text safe inside a Markdown table cell: no pipe ends it, no tag or emphasis starts."""
    return _inline(value).replace("|", "\\|") or "-"


def _inline(value: str) -> str:
    return value.replace("\\", "\\\\").replace("<", "\\<").replace("*", "\\*").replace("\n", " ")


def _codes(codes: Iterable[str]) -> str:
    return " ".join(codes)


def _table(head: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _listed(lines: list[str]) -> list[str]:
    """Indented sentences as a Markdown list: the first line a paragraph, the rest nested items."""
    out: list[str] = []
    for line in lines:
        depth = (len(line) - len(line.lstrip())) // 2
        # "1. ARM-PAK relations" is a ranked line, not the start of a Markdown list of its own.
        body = re.sub(r"^(\d+)\.", r"\1\\.", _inline(line.strip()))
        if depth == 0:
            out += [*([""] if out and out[-1] != "" else []), body, ""]
        else:
            out.append("  " * (depth - 1) + "- " + body)
    return out if out and out[-1] == "" else [*out, ""]


def _join(world: World, v: JoinVerdict) -> list[str]:
    if v.verdict == "member":
        return []
    out = ["Conditions:", ""]
    out += _table(
        ["outcome", "condition", "confidence", "what it asks", "evidence", "source"],
        (
            [
                c.outcome,
                f"`{c.id}`",
                c.confidence or "-",
                c.text,
                "; ".join(fact_text(e) + (f" [{e.source}]" if e.source else "") for e in c.evidence),
                c.source or "",
            ]
            for c in v.conditions
        ),
    )
    out += [f"Decision: {v.decision.outcome}", ""]
    out += _table(
        ["stage", "rule", "voters", "needed", "outcome", "support", "oppose", "abstain", "unknown", "vetoed by"],
        (
            [
                s.name.replace("_", " "),
                stage_rule(world, v, s),
                str(s.voters),
                str(s.needed),
                s.outcome,
                *(f"{len(codes)}" + (f": {_codes(codes)}" if codes else "") for codes in tally(s)),
                _codes(s.vetoed_by),
            ]
            for s in v.decision.stages
        ),
    )
    if v.remedies:
        out += ["Remedies:", ""]
        out += _table(
            ["#", "what to do", "as scenario changes", "lifts"],
            (
                [
                    str(k),
                    " and ".join(remedy_phrase(world, ch) for ch in r.changes),
                    "`" + flow(list(r.changes)) + "`",
                    ", ".join(f"`{i}`" for i in r.lifts),
                ]
                for k, r in enumerate(v.remedies, 1)
            ),
        )
    if v.irremediable:
        out += ["No change can lift " + ", ".join(f"`{i}`" for i in v.irremediable) + ".", ""]
    if v.to_settle is not None:
        out += ["To settle it:", ""]
        out += [f"- {_inline(line)}" for line in settle_lines(world, v)] + [""]
    return out


def tally(stage: Any) -> tuple[tuple[str, ...], ...]:
    """A stage's voters by stance: support, oppose, abstain, unknown."""
    return (stage.support, stage.oppose, stage.abstain, stage.unknown)


def _matrix(world: World, result: MatrixResult) -> list[str]:
    return _table(
        ["state", "org", "verdict", "failing", "unknown"],
        ([r.state, r.org, r.verdict, " ".join(r.failing), " ".join(r.unknown)] for r in result.rows),
    )


def _order(world: World, result: OrderResult) -> list[str]:
    out: list[str] = []
    if result.conflicts:
        out += _table(
            ["admitting first", "blocks", "because"], ([a, b, ", ".join(why)] for a, b, why in result.conflicts)
        )
    width = max((len(o) for o in result.feasible), default=0)
    out += _table(["#", *(f"{k + 1}." for k in range(width))], ([str(k), *o] for k, o in enumerate(result.feasible, 1)))
    return out


def _impact(world: World, result: ImpactResult) -> list[str]:
    rows = result.to_json()["changed"]
    if not rows:
        return []
    return _table(
        ["state", "org", "before", "after", "failing before", "failing after"],
        (
            [r["state"], r["org"], r["before"], r["after"], " ".join(r["failing_before"]), " ".join(r["failing_after"])]
            for r in rows
        ),
    )


def _leverage(world: World, result: LeverageResult) -> list[str]:
    if not result.ranking:
        return []
    return _table(
        ["#", "change", "as a scenario change", "unlocks", "accessions"],
        (
            [
                str(k),
                event_phrase(world, change, dated=False),
                f"`{flow(change)}`",
                str(len(unlocks)),
                ", ".join(f"{s} to {o}" for s, o in unlocks),
            ]
            for k, (change, unlocks) in enumerate(result.ranking, 1)
        ),
    )


def _earliest(world: World, result: EarliestResult) -> list[str]:
    day = result.found.isoformat() if result.found else "never"
    because = "; ".join(event_text(world, e, day) for e in result.events) or (
        f"the rules in force from {result.rules_from.isoformat()}" if result.rules_from else "-"
    )
    return _table(
        ["from", "target", "date", "verdict", "because", "failing on the first day"],
        [
            [
                result.start.isoformat(),
                result.target.replace("_", " "),
                day,
                result.verdict or "-",
                because,
                " ".join(result.failing_at_start),
            ]
        ],
    )


def _timeline(world: World, result: TimelineResult) -> list[str]:
    return _table(
        ["from", "until", "verdict", "failing", "unknown", "because"],
        (
            [
                b.start.isoformat(),
                (b.end or result.until).isoformat(),
                b.verdict,
                " ".join(b.failing),
                " ".join(b.unknown),
                "; ".join(event_text(world, e, b.start.isoformat()) for e in b.because),
            ]
            for b in result.intervals
        ),
    )


#: Each kind's tables in a memo; every registered kind has one (checked at import).
RENDERERS: dict[str, Callable[[World, Any], list[str]]] = {
    "join": _join,
    "matrix": _matrix,
    "order": _order,
    "impact": _impact,
    "leverage": _leverage,
    "earliest": _earliest,
    "timeline": _timeline,
}
assert RENDERERS.keys() == KINDS.keys(), "every question kind needs a Markdown renderer"


def _answer(world: World, answer: Answer, result: Any) -> list[str]:
    head = f"### {answer.id} ({answer.kind})"
    if result is not None:
        verdict = getattr(result, "verdict", None)
        head += f": {verdict}" if answer.kind == "join" and verdict else ""
        head += f", {question_date(answer.kind, result)}"
    out = [head, ""]
    if result is not None:
        out += _listed(memo(world, answer.kind, result))
        if answer.kind != "join" and beyond_horizon(world, answer.kind, result):
            out += [f"> {horizon_warning(world)}", ""]
        out += RENDERERS[answer.kind](world, result)
    if answer.expect is not None:
        out += ["Expectation met." if answer.expect["passed"] else "**Expectation NOT met:**", ""]
        out += [f"- {_inline(line)}" for line in answer.expect["mismatches"]]
        out += [""] if answer.expect["mismatches"] else []
    return out


def met(result: ScenarioResult) -> tuple[int, int]:
    """How many of a scenario's expectations are met, of how many."""
    expected = [a for a in result.answers if a.expect is not None]
    return sum(1 for a in expected if a.passed), len(expected)


def render_markdown(entries: Iterable[Entry], generated: date) -> str:
    """Every scenario's answers as one Markdown memo; ``generated`` is the report's date."""
    entries = list(entries)
    revisions = sorted({e.result.evaluated_on.revision for e in entries if e.result.evaluated_on is not None})
    out = [
        "# accede report",
        "",
        f"Generated {generated.isoformat()}; {plural(len(entries), 'scenario')}; world revision "
        + ", ".join(f"`{r}`" for r in revisions),
        "",
    ]
    for entry in entries:
        result = entry.result
        world = result.evaluated_on
        assert world is not None
        done, expected = met(result)
        out += [f"## {_inline(result.title)}", ""]
        meta = f"`{entry.file}`; world `{result.world}`, revision `{world.revision}`; as of {result.as_of.isoformat()}"
        out += [meta + (f"; {done} of {plural(expected, 'expectation')} met" if expected else ""), ""]
        if entry.description:
            out += [_inline(entry.description), ""]
        for answer in result.answers:
            out += _answer(world, answer, result.verdicts.get(answer.id))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
