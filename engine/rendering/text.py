"""Answers as text a person reads at a glance: sentences for a memo, then the details.

Explanations are data first (``verdict``); this module only words them. Colour comes from rich
when the output is a terminal, and plain text otherwise, so pipes and tests see no escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.compiler.evidence import Evidence
from engine.compiler.world import World
from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.questions import KINDS
from engine.questions.earliest import EarliestResult
from engine.questions.impact import ImpactResult
from engine.questions.leverage import LeverageResult
from engine.questions.order import OrderResult
from engine.questions.registry import Result
from engine.questions.timeline import TimelineResult
from engine.rendering import jsonout
from engine.rendering.prose import dated, event_phrase, explain, group_words, name_of, org_called, plural, rule_phrase
from engine.scenario import Answer, ScenarioResult

__all__ = [
    "RENDERERS",
    "expectation_lines",
    "render_join",
    "render_matrix",
    "render_org",
    "render_scenario",
    "render_state",
]

_STYLE = {"eligible": "bold green", "undetermined": "bold yellow", "blocked": "bold red", "member": "bold blue"}
_MARK = {"holds": ("✓", "green"), "fails": ("✗", "red"), "unknown": ("?", "yellow")}


_URL = re.compile(r"https?://[^\s;,)\]]+")


def linked(text: str, style: str = "") -> Text:
    """Text with every URL in it a link (OSC 8 on terminals that support it; plain elsewhere)."""
    out = Text(text, style=style)
    for match in _URL.finditer(text):
        out.stylize(f"link {match.group(0)}", match.start(), match.end())
    return out


def render_join(console: Console, world: World, verdict: JoinVerdict) -> None:
    console.print(Text(verdict.verdict.upper(), style=_STYLE[verdict.verdict]), linked(explain(world, verdict)))
    if verdict.verdict == "member":
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("")
    table.add_column("condition", no_wrap=True)
    table.add_column("confidence")
    table.add_column("what it asks, or the facts that decided it", overflow="fold")
    for c in verdict.conditions:
        mark, colour = _MARK[c.outcome]
        facts = "; ".join(_fact(world, e) for e in c.evidence)
        table.add_row(Text(mark, style=colour), c.id, c.confidence or "-", linked(facts or c.text))
    console.print(table)
    for stage in verdict.decision.stages:
        line = (
            f"{stage.name.replace('_', ' ')}: {rule_phrase(stage.pass_)} of "
            f"{group_words(world, verdict.org, stage.by)} ({plural(stage.voters, 'voter')}, {stage.needed} needed)"
            f" -> {stage.outcome}: support {len(stage.support)}, oppose {len(stage.oppose)}, "
            f"abstain {len(stage.abstain)}, unknown {len(stage.unknown)}"
        )
        if stage.vetoed_by:
            line += f", vetoed by {', '.join(stage.vetoed_by)}"
        console.print(line)
    if verdict.to_settle is not None:
        console.print(Text("to settle it:", style="bold"))
        for item in verdict.to_settle.judgements:
            change = jsonout.flow(item.change)
            console.print(f"  - record the judgement `{item.key}` for {name_of(world, item.of)}: {change}")
        groups: dict[tuple[str, ...], list[Any]] = {}
        for open_stage in verdict.to_settle.stages:
            groups.setdefault(open_stage.voters, []).append(open_stage)
        for voters, stages in groups.items():
            where = " and ".join(st.stage.replace("_", " ") for st in stages)
            needed = max(st.support_needed for st in stages)
            pivotal = sorted({c for st in stages for c in st.pivotal})
            line = f"  - {where}: no position on record for {plural(len(voters), 'voter')} ({' '.join(voters)})"
            if pivotal and len(pivotal) == len(voters):
                line += "; each one's opposition alone blocks it"
            else:
                line += f"; {needed} more in support needed"
                if pivotal:
                    line += f"; the opposition of any one of {' '.join(pivotal)} alone blocks it"
            console.print(line)


def _fact(world: World, e: Evidence) -> str:
    text = f"{e.state}: {e.fact}"
    if e.since is not None:
        text += f" {dated(e)}"
    if e.source:
        text += f" [{e.source}]"
    return text


def render_matrix(console: Console, world: World, result: MatrixResult) -> None:
    by_org: dict[str, list[Any]] = {}
    for row in result.rows:
        by_org.setdefault(row.org, []).append(row)
    for org, rows in by_org.items():
        console.print(Text(f"{org} on {result.as_of.isoformat()}: {len(rows)} non-members", style="bold"))
        for verdict in ("eligible", "undetermined", "blocked"):
            chosen = [r for r in rows if r.verdict == verdict]
            if not chosen:
                continue
            if verdict == "blocked":
                console.print(Text(f"  blocked ({len(chosen)}):", style=_STYLE[verdict]))
                groups: dict[tuple[str, ...], list[str]] = {}
                for r in chosen:
                    groups.setdefault(r.failing or ("the decision",), []).append(r.state)
                for failing, states in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                    console.print(f"    by {', '.join(failing)}: {' '.join(states)}")
            elif verdict == "undetermined":
                console.print(Text(f"  undetermined ({len(chosen)}), by what is open:", style=_STYLE[verdict]))
                open_groups: dict[tuple[str, ...], list[str]] = {}
                for r in chosen:
                    key = (*r.unknown, *(("the decision",) if r.decision == "unknown" else ()))
                    open_groups.setdefault(key, []).append(r.state)
                for what, states in sorted(open_groups.items(), key=lambda kv: -len(kv[1])):
                    said = _names_of(what)
                    only = "only " if len(what) == 1 else ""
                    verb = "is" if len(what) == 1 else "are"
                    console.print(f"    {plural(len(states), 'state')}: {only}{said} {verb} open: {' '.join(states)}")
            else:
                console.print(
                    Text(f"  {verdict} ({len(chosen)}):", style=_STYLE[verdict]), " ".join(r.state for r in chosen)
                )


def _names_of(items: tuple[str, ...]) -> str:
    shown = [i if i.startswith("the ") else f"`{i}`" for i in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def render_answer(console: Console, world: World, answer: Answer, result: Result | None) -> None:
    console.print(Text(f"[{answer.id}] {answer.kind}", style="bold cyan"))
    if result is not None:
        RENDERERS[answer.kind](console, world, result)
    if answer.expect is not None:
        ok = answer.expect["passed"]
        console.print(Text("expectation met" if ok else "expectation NOT met", style="green" if ok else "bold red"))
        for line in answer.expect["mismatches"]:
            console.print(f"  - {line}")


def render_scenario(console: Console, world: World, result: ScenarioResult, file: str | None = None) -> None:
    title = f"{result.title}" + (f"  ({file})" if file else "")
    console.rule(Text(title, style="bold"))
    for answer in result.answers:
        render_answer(console, world, answer, result.verdicts.get(answer.id))
        console.print()


def expectation_lines(file: str, result: ScenarioResult) -> Iterable[tuple[bool, str]]:
    for answer in result.answers:
        if answer.expect is None:
            continue
        ok = bool(answer.expect["passed"])
        line = f"{'PASS' if ok else 'FAIL'} {file}::{answer.id}"
        if not ok:
            line += ": " + "; ".join(answer.expect["mismatches"])
        yield ok, line


def _cite(item: dict[str, Any]) -> str:
    parts = [p for p in (item.get("source"), item.get("confidence")) if p]
    return f" [{'; '.join(parts)}]" if parts else ""


def render_state(console: Console, info: dict[str, Any]) -> None:
    """``accede show STATE``: what the world holds about one state, with sources."""
    where = info["region"] + (f", {info['subregion']}" if info["subregion"] else "")
    console.print(Text(f"{info['name']} ({info['state']}) on {info['as_of']}: {where}", style="bold"))
    if info["source"]:
        console.print(f"  record: {info['source']}")
    console.print(f"  relations by default: {info['default_relations']}")
    console.print(Text("  memberships and statuses", style="bold"))
    for m in info["memberships"] or [{"org": "-", "status": "none", "since": None}]:
        console.print(f"    {m['org']}: {m['status']}" + (f" since {m['since']}" if m["since"] else "") + _cite(m))
    console.print(Text("  relations that differ from the default, or are recorded", style="bold"))
    for r in info["relations_exceptions"]:
        state = "relations" if r["relations"] else "no relations"
        since = f" since {r['since']}" if r["since"] else ""
        console.print(f"    {r['state']}: {state}{since}{_cite(r)}" + (f" ({r['note']})" if r.get("note") else ""))
    not_by = info["not_recognised_by"]
    count = not_by if isinstance(not_by, int) else len(not_by)
    console.print(f"  diplomatic relations with {info['relations_with']} states and entities", highlight=False)
    console.print(f"  recognised by {info['recognised_by']} states and entities; not by {count}", highlight=False)
    without = info["recognised_without_relations"]
    if without:
        console.print(f"    recognised by {len(without)} without relations: {' '.join(without)}")
    if isinstance(not_by, list) and not_by:
        console.print(f"    not recognised by: {' '.join(not_by)}")
    sections: tuple[tuple[str, list[dict[str, Any]], Callable[[dict[str, Any]], str]], ...] = (
        ("UN Security Council sanctions in force", info["sanctions"], lambda s: f"from {s['from']}"),
        ("armed conflicts in force", info["conflicts"], lambda c: f"with {c['with']} from {c['from']}"),
        (
            "stances on record",
            info["positions"],
            lambda p: f"{p['voter']} {p['stance']}s {p['applicant']} in {p['org']} since {p['since']}",
        ),
        ("assessments on record", info["assessments"], lambda a: f"{a['key']}: {a['value']} since {a['since']}"),
    )
    for title, items, fmt in sections:
        console.print(Text(f"  {title}", style="bold"), "none" if not items else "")
        for item in items:
            console.print(f"    {fmt(item)}{_cite(item)}")


def render_org(console: Console, info: dict[str, Any]) -> None:
    """``accede show ORG``: rules in force, who holds which status, stances on bids."""
    console.print(Text(f"{info['name']} ({info['org']}) on {info['as_of']}", style="bold"))
    if info["source"]:
        console.print(f"  source: {info['source']}")
    rules = info["rules"]
    versions = ", ".join(info["versions"]) or "none"
    if rules is None:
        console.print(f"  no accession rules in force on this date (versions from: {versions})")
    else:
        console.print(Text(f"  rules in force from {rules['valid_from']} (versions from: {versions})", style="bold"))
        for c in rules["conditions"]:
            console.print(linked(f"    {c['id']} [{c['confidence'] or '-'}] {c['text']} ({c['source']})"))
            console.print(f"      check: {jsonout.flow(c['check'])}")
        for stage in rules["decision"]:
            veto = f", veto: {jsonout.flow(stage['veto'])}" if "veto" in stage else ""
            console.print(f"    {stage['name']}: {rule_phrase(stage['pass'])} of {jsonout.flow(stage['by'])}{veto}")
    for status, holders in info["holders"].items():
        console.print(Text(f"  {status} ({len(holders)})", style="bold"))
        console.print("    " + ", ".join(f"{h['state']} since {h['since']}" for h in holders))
    console.print(Text("  stances on record", style="bold"), "none" if not info["positions"] else "")
    for p in info["positions"]:
        console.print(f"    {p['voter']} {p['stance']}s {p['applicant']} since {p['since']}{_cite(p)}")


def render_vocabulary(console: Console, what: str, items: list[dict[str, Any]]) -> None:
    """``accede list``: one line per state, organisation or assessment key."""
    if what == "keys":
        for item in items:
            console.print(Text(item["key"], style="bold"))
            for reader in item["read_by"]:
                console.print(f"  {reader['org']} {reader['condition']}: {reader['text']}")
        return
    for item in items:
        extra = [item.get("alpha2"), *item["aliases"]]
        names = ", ".join(str(x) for x in extra if x)
        console.print(f"{item['code']:<12} {item['name']}" + (f"  ({names})" if names else ""))


def render_order(console: Console, world: World, result: OrderResult) -> None:
    """The largest admissible sets and who blocks whom first; then the orders, counted and listed."""
    n = len(result.applicants)
    head = (
        f"{org_called(world, result.org)} on {result.as_of.isoformat()}: at most {result.largest} of "
        f"{plural(n, 'applicant')} can be admitted"
    )
    console.print(Text(head[0].upper() + head[1:], style="bold"))
    if result.largest_sets:
        console.print(f"  {plural(len(result.largest_sets), 'largest admissible set')}:")
        for found in result.largest_sets:
            console.print("    " + ", ".join(name_of(world, c) for c in found))
    if result.conflicts:
        console.print("  who blocks whom (admitting the first blocks the second):")
        for first, then, why in result.conflicts:
            console.print(f"    {name_of(world, first)} -> {name_of(world, then)}: {', '.join(why)}")
    else:
        console.print("  no admission blocks another")
    listed = len(result.feasible)
    more = f", {listed} listed (the largest first)" if result.orders > listed else ""
    console.print(f"  {plural(result.orders, 'maximal order')} in all{more}:")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("#")
    for step in range(max((len(o) for o in result.feasible), default=0)):
        table.add_column(f"{step + 1}.")
    for k, order in enumerate(result.feasible, 1):
        table.add_row(str(k), *order)
    console.print(table)


def render_impact(console: Console, world: World, result: ImpactResult) -> None:
    rows = result.to_json()["changed"]
    console.print(Text(f"{len(rows)} verdict(s) change on {result.as_of.isoformat()}", style="bold"))
    if not rows:
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name in ("state", "org", "before", "after", "failing before", "failing after"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["state"],
            row["org"],
            Text(row["before"], style=_STYLE[row["before"]]),
            Text(row["after"], style=_STYLE[row["after"]]),
            ", ".join(row["failing_before"]) or "-",
            ", ".join(row["failing_after"]) or "-",
        )
    console.print(table)


def render_leverage(console: Console, world: World, result: LeverageResult) -> None:
    console.print(
        Text(f"Single changes ranked by the accessions they unlock, {result.as_of.isoformat()}", style="bold")
    )
    if not result.ranking:
        console.print("  no single new relation or recognition unlocks an accession")
    for k, (change, unlocks) in enumerate(result.ranking, 1):
        parties = change.get("establish") or [change.get("recognize"), change.get("by")]
        what = (
            f"{parties[0]}-{parties[1]} relations" if "establish" in change else f"{parties[1]} recognises {parties[0]}"
        )
        opens = ", ".join(f"{s} to {o}" for s, o in unlocks)
        console.print(f"  {k:>2}. {what}: unlocks {len(unlocks)} ({opens})")


def _because(world: World, events: Iterable[dict[str, Any]], on: str, sources: bool = True, dated: bool = True) -> str:
    parts = []
    for event in events:
        source = f" ({event['source']})" if sources and "source" in event else ""
        doubt = " (low confidence: reported by one side)" if event.get("confidence") == "low" else ""
        parts.append(event_phrase(world, event, on, dated) + doubt + source)
    return "; ".join(parts)


def render_earliest(console: Console, world: World, result: EarliestResult) -> None:
    who, org = name_of(world, result.state), org_called(world, result.org)
    goal = "eligible to join" if result.target == "eligible" else "no longer blocked from joining"
    start = result.start.isoformat()
    if result.found is None:
        why = ", ".join(result.failing_at_start) or "the decision"
        console.print(
            Text(f"No known event makes {who} {goal} {org} on or after {start}", style="bold red")
            + Text(f" (blocked by {why} on {start})" if result.failing_at_start or result.target != "eligible" else "")
        )
    elif result.found == result.start:
        state = "a member of" if result.verdict == "member" else goal
        console.print(f"{who} is already {state} {org} on {start} ({result.verdict}).")
    else:
        day = result.found.isoformat()
        if result.because is None:
            cause = (
                f"the {result.org} rules in force from {result.rules_from.isoformat() if result.rules_from else day}"
            )
        else:
            cause = _because(world, result.events, day)
        state = "a member of" if result.verdict == "member" else goal
        console.print(linked(f"{who} is {state} {org} from {day} ({result.verdict}): {cause}."))


def _meanwhile(world: World, events: Iterable[dict[str, Any]]) -> str:
    """The bid's own events inside an interval, a long run of one verb summed up in a clause."""
    by_verb: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        verb = next((k for k in event if k in ("support", "oppose", "abstain", "admit")), "other")
        by_verb.setdefault(verb, []).append(event)
    parts = []
    for verb, items in by_verb.items():
        if verb in ("support", "oppose", "abstain") and len(items) > 3:
            first, last = items[0], items[-1]
            parts.append(
                f"{len(items)} voters {verb} it, from {name_of(world, first['by'])} on {first.get('on')} "
                f"to {name_of(world, last['by'])} on {last.get('on')}"
            )
        else:
            parts.append(_because(world, items, "", sources=False))
    return "; ".join(parts)


def timeline_sentence(world: World, result: TimelineResult) -> str:
    """The story as one paragraph: "blocked (sco.relations) until 2025-08-31, then undetermined..."."""
    who, org = name_of(world, result.state), org_called(world, result.org)
    parts = []
    for k, band in enumerate(result.intervals):
        why = f" ({', '.join(band.failing)})" if band.failing else ""
        text = f"{band.verdict}{why}"
        if k:
            cause = _because(world, band.because, band.start.isoformat(), sources=False, dated=False)
            cause = cause or f"the rules in force from {band.rules_from.isoformat()}"
            text = f"from {band.start.isoformat()} ({cause}), {text}"
        if band.within:
            text += " (meanwhile " + _meanwhile(world, band.within) + ")"
        parts.append(text)
    span = f"from {result.start.isoformat()} until {result.until.isoformat()}"
    return f"{who} and {org}, {span}: " + "; then ".join(parts) + "."


def render_timeline(console: Console, world: World, result: TimelineResult) -> None:
    console.print(linked(timeline_sentence(world, result)))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name in ("from", "until", "verdict", "failing", "unknown", "because"):
        table.add_column(name, overflow="fold")
    for band in result.intervals:
        table.add_row(
            band.start.isoformat(),
            band.end.isoformat() if band.end else "-",
            Text(band.verdict, style=_STYLE[band.verdict]),
            ", ".join(band.failing) or "-",
            ", ".join(band.unknown) or "-",
            _because(world, band.because, band.start.isoformat(), sources=False, dated=False) or "-",
        )
    console.print(table)
    cited = [e for band in result.intervals for e in band.because if "source" in e]
    if cited:
        console.print(Text("sources", style="bold"))
        for event in cited:
            on = str(event.get("on") or event.get("from") or "")
            console.print(linked(f"  {on}: {event['source']}"))
    horizon = world.facts.horizon
    if horizon is not None and any(b.beyond_horizon for b in result.intervals):
        console.print(
            Text(
                f"Beware: facts after {horizon.isoformat()} (the world's horizon) are not known; "
                "terms of office that end, such as Security Council seats, read as vacant.",
                style="yellow",
            )
        )


#: How each question kind's answer is shown; every registered kind has one (checked at import).
RENDERERS: dict[str, Callable[[Console, World, Any], None]] = {
    "join": render_join,
    "matrix": render_matrix,
    "order": render_order,
    "impact": render_impact,
    "leverage": render_leverage,
    "earliest": render_earliest,
    "timeline": render_timeline,
}
assert RENDERERS.keys() == KINDS.keys(), "every question kind needs a text renderer"
