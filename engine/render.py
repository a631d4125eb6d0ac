"""Answers as text a person reads at a glance: sentences for a memo, then the details.

Explanations are data first (``verdict``); this module only words them. Colour comes from rich
when the output is a terminal, and plain text otherwise, so pipes and tests see no escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.earliest import EarliestResult
from engine.impact import ImpactResult
from engine.leverage import LeverageResult
from engine.order import OrderResult
from engine.scenario import Answer, ScenarioResult
from engine.verdict import ConditionResult, Evidence, JoinVerdict, MatrixResult
from engine.world import World

__all__ = ["explain", "remedy_phrase", "render_join", "render_matrix", "render_scenario"]

_STYLE = {"eligible": "bold green", "undetermined": "bold yellow", "blocked": "bold red"}
_MARK = {"holds": ("✓", "green"), "fails": ("✗", "red"), "unknown": ("?", "yellow")}


def _name(world: World, code: str) -> str:
    i = world.index.get(code)
    return world.states[i].name if i is not None else code


def _org(world: World, org: str) -> str:
    """How prose names an organisation: its rule file's ``called``, else "the SCO"."""
    compiled = world.orgs.get(org)
    called = compiled.model.called if compiled is not None else None
    return called or f"the {org}"


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _party(world: World, e: Evidence) -> str:
    text = _name(world, e.state)
    if e.member_since is not None:
        text += f", a member since {e.member_since.isoformat()}"
    return text


def _reason(world: World, verdict: JoinVerdict, c: ConditionResult) -> str:
    """Why one condition fails or is unknown, as a clause that follows 'Armenia cannot join...:'."""
    ev = c.evidence
    kinds = {e.kind for e in ev}
    if kinds == {"relations"}:
        parties = []
        for e in ev:
            text = _party(world, e)
            if e.since is not None:
                text += f" (severed on {e.since.isoformat()})"
            elif "never established" in e.fact:
                # A later establishment stays in the evidence, not in the memo: it is hindsight.
                text += " (never established)"
            parties.append(text)
        return "it has no diplomatic relations with " + _names(parties)
    if kinds == {"recognition"}:
        return _names([_party(world, e) for e in ev]) + (" does not" if len(ev) == 1 else " do not") + " recognise it"
    if kinds == {"conflict"}:
        parts = [_party(world, e) + (f" (since {e.since.isoformat()})" if e.since else "") for e in ev]
        return "it is in armed conflict with " + _names(parts)
    if kinds and kinds <= {"status", "region", "sanctions", "assessment"}:
        clauses = []
        for e in ev:
            fact = e.fact.replace(" of ", " that it is ", 1) if e.fact.startswith("no assessment") else e.fact
            since = f" since {e.since.isoformat()}" if e.since and e.kind != "assessment" else ""
            subject = "there is" if fact.startswith("no assessment") else "it"
            if e.kind in {"sanctions", "assessment"}:
                fact = ("is " + fact) if not fact.startswith("no ") else fact
            clauses.append(f"{subject} {fact}{since}")
        return "; ".join(clauses)
    if c.outcome == "unknown":
        return f"it is not known whether {c.text[0].lower()}{c.text[1:]}"
    return f"it is not the case that {c.text[0].lower()}{c.text[1:]}"


def remedy_phrase(world: World, change: dict[str, Any]) -> str:
    """A remedy change as an instruction: 'establish diplomatic relations with Pakistan'."""
    if "establish" in change:
        return f"establish diplomatic relations with {_name(world, change['establish'][1])}"
    if "recognize" in change:
        return f"obtain recognition from {_name(world, change['by'])}"
    if "admit" in change:
        return f"obtain {change['as'].replace('_', '-')} status in the {change['to']}"
    if "leave" in change:
        return f"leave the {change['from']}"
    if "end_conflict" in change:
        return f"end the armed conflict with {_name(world, change['end_conflict'][1])}"
    if "lift_sanctions" in change:
        return "have the UN Security Council sanctions lifted"
    if "assess" in change:
        return f"obtain an assessment that it {'is' if change['as'] else 'is not'} {change['assess'].replace('_', ' ')}"
    return str(change)


def _rule(rule: Any) -> str:
    return rule.replace("_", " ") if isinstance(rule, str) else f"at least {rule['at_least']}"


def _stage_phrase(world: World, verdict: JoinVerdict) -> str | None:
    for stage in verdict.decision.stages:
        if stage.outcome == "fails":
            who = stage.vetoed_by or stage.oppose
            if who:
                verb = "opposes" if len(who) == 1 else "oppose"
                return f"{_names([_name(world, c) for c in who])} {verb} it ({_rule(stage.pass_)} of {stage.voters})"
            return f"the decision ({_rule(stage.pass_)} of {stage.voters}) cannot reach {stage.needed} supporters"
    return None


def explain(world: World, verdict: JoinVerdict) -> str:
    """The verdict as sentences an analyst could paste into a memo."""
    who = _name(world, verdict.state)
    org = _org(world, verdict.org)
    day = verdict.as_of.isoformat()
    failing = [c for c in verdict.conditions if c.outcome == "fails"]
    unknown = [c for c in verdict.conditions if c.outcome == "unknown"]
    if verdict.verdict == "blocked":
        reasons = [
            f"{_reason(world, verdict, c)} ({c.source})" if c.source else _reason(world, verdict, c) for c in failing
        ]
        blocker = _stage_phrase(world, verdict)
        if blocker:
            reasons.append(blocker)
        text = f"{who} cannot join {org} on {day}: " + "; ".join(reasons) + "."
        if verdict.remedies:
            first, *others = verdict.remedies
            text += " Remedy: " + " and ".join(remedy_phrase(world, ch) for ch in first.changes) + "."
            for other in others[:3]:
                text += " Alternatively: " + " and ".join(remedy_phrase(world, ch) for ch in other.changes) + "."
        if verdict.irremediable:
            ids = ", ".join(f"`{i}`" for i in verdict.irremediable)
            text += f" No change can lift {ids}."
        return text
    if verdict.verdict == "eligible":
        return f"{who} can join {org} on {day}: every condition holds and the decision passes."
    reasons = [_reason(world, verdict, c) for c in unknown]
    for tally in verdict.decision.stages:
        if tally.outcome == "unknown":
            reasons.append(
                f"the decision ({_rule(tally.pass_)} of {tally.voters}) turns on {len(tally.unknown)} "
                f"position{'s' if len(tally.unknown) != 1 else ''} not on record"
            )
    return f"Nothing blocks {who} from joining {org} on {day}, but the outcome is open: " + "; ".join(reasons) + "."


def render_join(console: Console, world: World, verdict: JoinVerdict) -> None:
    console.print(Text(verdict.verdict.upper(), style=_STYLE[verdict.verdict]), Text(explain(world, verdict)))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("")
    table.add_column("condition", no_wrap=True)
    table.add_column("confidence")
    table.add_column("what it asks, or the facts that decided it", overflow="fold")
    for c in verdict.conditions:
        mark, colour = _MARK[c.outcome]
        facts = "; ".join(_fact(world, e) for e in c.evidence)
        table.add_row(Text(mark, style=colour), c.id, c.confidence or "-", facts or c.text)
    console.print(table)
    for stage in verdict.decision.stages:
        console.print(
            f"decision: {_rule(stage.pass_)} of {stage.by} "
            f"({stage.voters} voters, {stage.needed} needed) -> {stage.outcome}: "
            f"support {len(stage.support)}, oppose {len(stage.oppose)}, abstain {len(stage.abstain)}, "
            f"unknown {len(stage.unknown)}" + (f", vetoed by {', '.join(stage.vetoed_by)}" if stage.vetoed_by else "")
        )


def _fact(world: World, e: Evidence) -> str:
    text = f"{e.state}: {e.fact}"
    if e.since is not None:
        text += f" since {e.since.isoformat()}"
    if e.source:
        text += f" [{e.source}]"
    return text


def render_matrix(console: Console, result: MatrixResult) -> None:
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
            else:
                console.print(
                    Text(f"  {verdict} ({len(chosen)}):", style=_STYLE[verdict]), " ".join(r.state for r in chosen)
                )


def render_answer(console: Console, world: World, answer: Answer, verdict: Any) -> None:
    console.print(Text(f"[{answer.id}] {answer.kind}", style="bold cyan"))
    if isinstance(verdict, JoinVerdict):
        render_join(console, world, verdict)
    elif isinstance(verdict, MatrixResult):
        render_matrix(console, verdict)
    elif isinstance(verdict, OrderResult):
        render_order(console, world, verdict)
    elif isinstance(verdict, ImpactResult):
        render_impact(console, world, verdict)
    elif isinstance(verdict, LeverageResult):
        render_leverage(console, world, verdict)
    elif isinstance(verdict, EarliestResult):
        render_earliest(console, world, verdict)
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
    console.print(f"  recognised by {info['recognised_by']} states and entities; not by {count}", highlight=False)
    if isinstance(not_by, list) and not_by:
        console.print(f"    not recognised by: {' '.join(not_by)}")
    sections: tuple[tuple[str, list[dict[str, Any]], Callable[[dict[str, Any]], str]], ...] = (
        ("UN Security Council sanctions in force", info["sanctions"], lambda s: f"from {s['from']}"),
        ("armed conflicts in force", info["conflicts"], lambda c: f"with {c['with']} from {c['from']}"),
        (
            "stances on record",
            info["positions"],
            lambda p: f"{p['voter']} {p['stance']}s {p['applicant']} in the {p['org']} since {p['since']}",
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
            console.print(f"    {c['id']} [{c['confidence'] or '-'}] {c['text']} ({c['source']})")
        for stage in rules["decision"]:
            veto = f", veto: {stage['veto']}" if "veto" in stage else ""
            console.print(f"    decision: {_rule(stage['pass'])} of {stage['by']}{veto}")
    for status, holders in info["holders"].items():
        console.print(Text(f"  {status} ({len(holders)})", style="bold"))
        console.print("    " + ", ".join(f"{h['state']} since {h['since']}" for h in holders))
    console.print(Text("  stances on record", style="bold"), "none" if not info["positions"] else "")
    for p in info["positions"]:
        console.print(f"    {p['voter']} {p['stance']}s {p['applicant']} since {p['since']}{_cite(p)}")


def render_order(console: Console, world: World, result: OrderResult) -> None:
    """Feasible admission sequences as a small table, then the pairs that block each other."""
    head = f"{_org(world, result.org)} on {result.as_of.isoformat()}: at most {result.largest} of "
    head += f"{len(result.applicants)} applicants can be admitted, in {result.orders} maximal order(s)"
    console.print(Text(head[0].upper() + head[1:], style="bold"))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("#")
    for step in range(max((len(o) for o in result.feasible), default=0)):
        table.add_column(f"{step + 1}.")
    for k, order in enumerate(result.feasible, 1):
        table.add_row(str(k), *order)
    console.print(table)
    if result.orders > len(result.feasible):
        console.print(f"  ({result.orders - len(result.feasible)} more orders not listed)")
    for first, then, why in result.conflicts:
        console.print(f"  admitting {_name(world, first)} first blocks {_name(world, then)}: {', '.join(why)}")


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


def render_earliest(console: Console, world: World, result: EarliestResult) -> None:
    who, org = _name(world, result.state), _org(world, result.org)
    if result.found is None:
        console.print(
            Text(f"No known event lets {who} join {org} on or after {result.start.isoformat()}", style="bold red")
            + Text(f" (blocked by {', '.join(result.failing_at_start) or 'the decision'})")
        )
    elif result.because is None:
        console.print(f"{who} is not blocked from joining {org} on {result.start.isoformat()} already.")
    else:
        source = f" ({result.because['source']})" if "source" in result.because else ""
        console.print(
            f"{who} is no longer blocked from joining {org} from {result.found.isoformat()}: "
            f"{event_phrase(world, result.because)}{source}."
        )


def event_phrase(world: World, event: dict[str, Any]) -> str:
    """An event as a clause: 'Armenia and Pakistan establish diplomatic relations on 2025-08-31'."""
    on = event.get("on") or event.get("from") or event.get("until")
    when = f" on {on}" if on else ""

    def n(code: str) -> str:
        return _name(world, code)

    if "establish" in event:
        a, b = event["establish"]
        return f"{n(a)} and {n(b)} establish diplomatic relations{when}"
    if "sever" in event:
        a, b = event["sever"]
        return f"{n(a)} and {n(b)} sever diplomatic relations{when}"
    if "admit" in event:
        return f"{n(event['admit'])} becomes {event['as'].replace('_', ' ')} of the {event['to']}{when}"
    if "leave" in event:
        return f"{n(event['leave'])} leaves the {event['from']}{when}"
    if "recognize" in event:
        return f"{n(event['by'])} recognises {n(event['recognize'])}{when}"
    if "lift_sanctions" in event or ("sanction" in event and "until" in event):
        subject = event.get("lift_sanctions") or event["sanction"]
        return f"UN Security Council sanctions on {n(subject)} end{when}"
    if "conflict" in event:
        a, b = event["conflict"]
        return f"the armed conflict between {n(a)} and {n(b)} ends{when}"
    if "end_conflict" in event:
        a, b = event["end_conflict"]
        return f"the armed conflict between {n(a)} and {n(b)} ends{when}"
    for stance in ("support", "oppose", "abstain"):
        if stance in event:
            return f"{n(event['by'])} takes the position `{stance}` in the {event['in']}{when}"
    if "assess" in event:
        return f"{n(event['of'])} is assessed {'' if event['as'] else 'not '}{event['assess'].replace('_', ' ')}{when}"
    if "rules" in event:
        return str(event["rules"])
    return str(event)
