"""Answers as sentences for a memo: verdicts, reasons, remedies and events in plain words.

Explanations are data first (``engine.evaluation.verdict``); this module only words them, and
every text renderer (terminal, report) takes its sentences from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine import models as m
from engine.compiler.evidence import Evidence
from engine.compiler.world import World
from engine.evaluation.verdict import ConditionResult, JoinVerdict

__all__ = ["event_phrase", "explain", "name_of", "org_called", "remedy_phrase", "rule_phrase"]


def name_of(world: World, code: str) -> str:
    """A state's name in the world, or its code."""
    i = world.index.get(code)
    return world.states[i].name if i is not None else code


def org_called(world: World, org: str) -> str:
    """How prose names an organisation: its rule file's ``called``, else "the SCO"."""
    compiled = world.orgs.get(org)
    called = compiled.model.called if compiled is not None else None
    return called or f"the {org}"


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _party(world: World, e: Evidence) -> str:
    text = name_of(world, e.state)
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


def _verb(event: dict[str, Any]) -> str | None:
    """The verb of an event written as syntax (its one key from the verb table)."""
    return next((key for key in event if key in m.VERBS), None)


def _kind(status: str) -> str:
    return status.replace("_", "-")


#: How a remedy's change is worded as an instruction to the applicant, by verb.
_REMEDIES: dict[str, Callable[[World, dict[str, Any]], str]] = {
    "establish": lambda w, c: f"establish diplomatic relations with {name_of(w, c['establish'][1])}",
    "recognize": lambda w, c: f"obtain recognition from {name_of(w, c['by'])}",
    "admit": lambda w, c: f"obtain {_kind(c['as'])} status in the {c['to']}",
    "leave": lambda w, c: f"leave the {c['from']}",
    "end_conflict": lambda w, c: f"end the armed conflict with {name_of(w, c['end_conflict'][1])}",
    "lift_sanctions": lambda w, c: "have the UN Security Council sanctions lifted",
    "assess": lambda w, c: (
        f"obtain an assessment that it {'is' if c['as'] else 'is not'} {c['assess'].replace('_', ' ')}"
    ),
}


def remedy_phrase(world: World, change: dict[str, Any]) -> str:
    """A remedy change as an instruction: 'establish diplomatic relations with Pakistan'."""
    phrase = _REMEDIES.get(_verb(change) or "")
    return phrase(world, change) if phrase is not None else str(change)


def rule_phrase(rule: Any) -> str:
    return rule.replace("_", " ") if isinstance(rule, str) else f"at least {rule['at_least']}"


def _stage_phrase(world: World, verdict: JoinVerdict) -> str | None:
    for stage in verdict.decision.stages:
        if stage.outcome == "fails":
            who = stage.vetoed_by or stage.oppose
            if who:
                verb = "opposes" if len(who) == 1 else "oppose"
                names = _names([name_of(world, c) for c in who])
                return f"{names} {verb} it ({rule_phrase(stage.pass_)} of {stage.voters})"
            return f"the decision ({rule_phrase(stage.pass_)} of {stage.voters}) cannot reach {stage.needed} supporters"
    return None


def explain(world: World, verdict: JoinVerdict) -> str:
    """The verdict as sentences an analyst could paste into a memo."""
    who = name_of(world, verdict.state)
    org = org_called(world, verdict.org)
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
                f"the decision ({rule_phrase(tally.pass_)} of {tally.voters}) turns on {len(tally.unknown)} "
                f"position{'s' if len(tally.unknown) != 1 else ''} not on record"
            )
    return f"Nothing blocks {who} from joining {org} on {day}, but the outcome is open: " + "; ".join(reasons) + "."


def _pair(n: Callable[[str], str], pair: list[str]) -> str:
    return f"{n(pair[0])} and {n(pair[1])}"


#: How an event reads as a clause, by verb (``n`` names a state; the date is added after).
_EVENTS: dict[str, Callable[[Callable[[str], str], dict[str, Any]], str]] = {
    "establish": lambda n, e: f"{_pair(n, e['establish'])} establish diplomatic relations",
    "sever": lambda n, e: f"{_pair(n, e['sever'])} sever diplomatic relations",
    "recognize": lambda n, e: f"{n(e['by'])} recognises {n(e['recognize'])}",
    "withdraw_recognition": lambda n, e: f"{n(e['by'])} withdraws its recognition of {n(e['withdraw_recognition'])}",
    "admit": lambda n, e: f"{n(e['admit'])} becomes {e['as'].replace('_', ' ')} of the {e['to']}",
    "leave": lambda n, e: f"{n(e['leave'])} leaves the {e['from']}",
    # An interval's event is cited where its end is what changed a verdict (``until`` is set then).
    "conflict": lambda n, e: (
        f"the armed conflict between {_pair(n, e['conflict'])} " + ("ends" if "until" in e else "begins")
    ),
    "end_conflict": lambda n, e: f"the armed conflict between {_pair(n, e['end_conflict'])} ends",
    "sanction": lambda n, e: (
        f"UN Security Council sanctions on {n(e['sanction'])} " + ("end" if "until" in e else "begin")
    ),
    "lift_sanctions": lambda n, e: f"UN Security Council sanctions on {n(e['lift_sanctions'])} end",
    "support": lambda n, e: f"{n(e['by'])} takes the position `support` in the {e['in']}",
    "oppose": lambda n, e: f"{n(e['by'])} takes the position `oppose` in the {e['in']}",
    "abstain": lambda n, e: f"{n(e['by'])} takes the position `abstain` in the {e['in']}",
    "assess": lambda n, e: f"{n(e['of'])} is assessed {'' if e['as'] else 'not '}{e['assess'].replace('_', ' ')}",
}


def event_phrase(world: World, event: dict[str, Any]) -> str:
    """An event as a clause: 'Armenia and Pakistan establish diplomatic relations on 2025-08-31'."""
    verb = _verb(event)
    if verb is None:
        # A new rule version, not an event: earliest says so in words of its own.
        return str(event.get("rules", event))
    dated = event.get("until") if m.VERBS[verb].interval else None
    on = dated or event.get("on") or event.get("from")
    return _EVENTS[verb](lambda code: name_of(world, code), event) + (f" on {on}" if on else "")


assert _EVENTS.keys() == m.VERBS.keys(), "every event verb needs a clause"
