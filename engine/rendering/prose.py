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
from engine.evaluation.verdict import ConditionResult, JoinVerdict, StageTally

__all__ = [
    "criterion",
    "dated",
    "event_phrase",
    "explain",
    "group_words",
    "name_of",
    "org_called",
    "plural",
    "remedy_phrase",
    "rule_phrase",
    "stage_words",
]


def name_of(world: World, code: str) -> str:
    """A state's name in the world, or its code."""
    i = world.index.get(code)
    return world.states[i].name if i is not None else code


def org_called(world: World, org: str) -> str:
    """How prose names an organisation: its rule file's ``called``, else "the SCO"."""
    compiled = world.orgs.get(org)
    called = compiled.model.called if compiled is not None else None
    return called or f"the {org}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 voter", "2 voters"; ``many`` for irregular plurals."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _alternatives(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def group_words(world: World, org: str, group: Any) -> str:
    """A group as written in a rule (``members``, ``{members_of: UNSC}``, a list) in words."""
    if group == "members":
        return f"the members of {org_called(world, org)}"
    if isinstance(group, dict) and "members_of" in group:
        return f"the members of {org_called(world, str(group['members_of']))}"
    if isinstance(group, list | tuple):
        return _names([name_of(world, str(c)) for c in group])
    return str(group)


def stage_words(stage: str, body: bool = False) -> str:
    """A stage's name as prose: "the ratification"; a body's name titled: "the Security Council"."""
    words = stage.replace("_", " ")
    return "the " + (words.title() if body else words)


def _stage_name(verdict: JoinVerdict, name: str) -> str:
    # A stage voted by another organisation's members is a body (the Security Council): titled.
    tally = next((s for s in verdict.decision.stages if s.name == name), None)
    return stage_words(name, body=tally is not None and isinstance(tally.by, dict))


def rule_phrase(rule: Any) -> str:
    """A pass rule in words: "unanimity", "two thirds", "at least 9"."""
    return rule.replace("_", " ") if isinstance(rule, str) else f"at least {rule['at_least']}"


def criterion(world: World, state: str, text: str) -> str:
    """A condition's text as a clause about the applicant: "Ukraine is in a position to ..."."""
    who = name_of(world, state)
    for lead, sub in (("The applicant's ", f"{who}'s "), ("The applicant ", f"{who} ")):
        if text.startswith(lead):
            return sub + text[len(lead) :].rstrip(".")
    return f'{who} meets the criterion "{text.rstrip(".")}"'


def dated(e: Evidence, word: str = "since") -> str:
    """A fact's date as prose, as precise as its source: "since 2025-08-31", "in 1972 (day not known)"."""
    if e.since is None:
        return ""
    coarse = {"year": str(e.since.year), "month": e.since.strftime("%Y-%m")}.get(e.precision or "")
    if coarse is not None:
        return f"{'since' if word == 'since' else 'in'} {coarse} (day not known)"
    return f"{word} {e.since.isoformat()}"


def _party(world: World, verdict: JoinVerdict, e: Evidence) -> str:
    text = name_of(world, e.state)
    if e.member_since is not None:
        of = e.member_of or verdict.org
        where = "" if of == verdict.org else f" of {org_called(world, of)}"
        text += f", a member{where} since {e.member_since.isoformat()}"
    return text


def _applicant_fact(world: World, verdict: JoinVerdict, c: ConditionResult, e: Evidence) -> str:
    """One fact about the applicant itself (status, region, sanctions, a judgement) as a clause."""
    since = f" {dated(e)}" if e.since else ""
    if e.kind == "assessment":
        if e.fact.startswith("no assessment"):
            return f"no assessment on record settles whether {criterion(world, verdict.state, c.text)}"
        on = f" ({dated(e, 'of')})" if e.since else ""
        return f"the assessment on record{on} finds otherwise: {c.text[0].lower()}{c.text[1:].rstrip('.')}"
    if e.kind == "status":
        return "it " + _status_words(world, e.fact) + since
    if e.kind == "sanctions":
        return f"it is {e.fact}{since}"
    return f"it {e.fact}{since}"


def _status_words(world: World, fact: str) -> str:
    # The evidence says "holds status observer in the SCO"; prose names the organisation as it is called.
    words = fact.split()
    if fact.startswith("holds status ") and len(words) >= 5:
        status, org = words[2], words[-1]
        return f"holds {status.replace('_', ' ')} status in {org_called(world, org)}"
    if fact.startswith("holds no status"):
        return f"holds no status in {org_called(world, words[-1])}"
    return fact


def _reason(world: World, verdict: JoinVerdict, c: ConditionResult) -> str:
    """Why one condition fails or is unknown, as a clause that follows 'Armenia cannot join...:'."""
    ev = c.evidence
    kinds = {e.kind for e in ev}
    if kinds == {"relations"}:
        parties = []
        for e in ev:
            text = _party(world, verdict, e)
            if e.since is not None:
                text += f" (severed {dated(e, 'on')})"
            elif "never established" in e.fact:
                # A later establishment stays in the evidence, not in the memo: it is hindsight.
                text += " (never established)"
            parties.append(text)
        return "it has no diplomatic relations with " + _names(parties)
    if kinds == {"recognition"}:
        verb = " does not" if len(ev) == 1 else " do not"
        return _names([_party(world, verdict, e) for e in ev]) + verb + " recognise it"
    if kinds == {"conflict"}:
        parts = [_party(world, verdict, e) + (f" ({dated(e)})" if e.since else "") for e in ev]
        return "it is in armed conflict with " + _names(parts)
    if kinds and kinds <= {"status", "region", "sanctions", "assessment"}:
        return "; ".join(_applicant_fact(world, verdict, c, e) for e in ev)
    if c.outcome == "unknown":
        return f"it is not known whether {criterion(world, verdict.state, c.text)}"
    return f"it is not the case that {criterion(world, verdict.state, c.text)}"


def _verb(event: dict[str, Any]) -> str | None:
    """The verb of an event written as syntax (its one key from the verb table)."""
    return next((key for key in event if key in m.VERBS), None)


def _kind(status: str) -> str:
    return status.replace("_", "-")


#: How a remedy's change is worded as an instruction to the applicant, by verb.
_REMEDIES: dict[str, Callable[[World, dict[str, Any]], str]] = {
    "establish": lambda w, c: f"establish diplomatic relations with {name_of(w, c['establish'][1])}",
    "recognize": lambda w, c: f"obtain recognition from {name_of(w, c['by'])}",
    "admit": lambda w, c: f"obtain {_kind(c['as'])} status in {org_called(w, c['to'])}",
    "leave": lambda w, c: f"leave {org_called(w, c['from'])}",
    "end_conflict": lambda w, c: f"end the armed conflict with {name_of(w, c['end_conflict'][1])}",
    "lift_sanctions": lambda w, c: "have the UN Security Council sanctions lifted",
    "assess": lambda w, c: (
        f"obtain the judgement `{c['assess']}` for {name_of(w, c['of'])} (record it as "
        f"`{{assess: {c['assess']}, of: {c['of']}, as: {'true' if c['as'] else 'false'}}}`)"
    ),
}


def remedy_phrase(world: World, change: dict[str, Any]) -> str:
    """A remedy change as an instruction: 'establish diplomatic relations with Pakistan'."""
    phrase = _REMEDIES.get(_verb(change) or "")
    return phrase(world, change) if phrase is not None else str(change)


def _stage_desc(world: World, verdict: JoinVerdict, stage: StageTally) -> str:
    """ "the invitation (unanimity of the 32 members of NATO)"."""
    voters = group_words(world, verdict.org, stage.by)
    return (
        f"{_stage_name(verdict, stage.name)} ({rule_phrase(stage.pass_)} of {plural(stage.voters, 'voter')}: {voters})"
    )


def _failed_phrase(world: World, verdict: JoinVerdict) -> list[str]:
    """Each failing stage and who makes it fail."""
    out = []
    stages = {s.name: s for s in verdict.decision.stages}
    for failed in verdict.blocked_by:
        stage = stages[failed.stage]
        where = _stage_desc(world, verdict, stage)
        who = _names([name_of(world, c) for c in failed.voters])
        if failed.because == "veto":
            out.append(f"{who} {'vetoes' if len(failed.voters) == 1 else 'veto'} it in {where}")
        elif failed.because == "opposition":
            out.append(f"{who} {'opposes' if len(failed.voters) == 1 else 'oppose'} it in {where}")
        else:
            have = len(stage.support) + len(stage.unknown)
            out.append(f"{where} cannot reach {plural(stage.needed, 'supporter')}: at most {have} could support it")
    return out


def _open_phrase(world: World, verdict: JoinVerdict) -> list[str]:
    """Each group of open stages (stages with the same silent voters read together) as a clause."""
    settle = verdict.to_settle
    if settle is None:
        return []
    groups: dict[tuple[str, ...], list[Any]] = {}
    for stage in settle.stages:
        groups.setdefault(stage.voters, []).append(stage)
    out = []
    for voters, stages in groups.items():
        where = _names([_stage_name(verdict, s.stage) for s in stages])
        n = len(voters)
        clause = f"it turns on {plural(n, 'position')} not on record in {where}"
        pivotal = sorted({c for s in stages for c in s.pivotal})
        needed = max(s.support_needed for s in stages)
        if pivotal and len(pivotal) == n:
            clause += ", of which any one opposing blocks it" if n > 1 else ", which alone could block it"
        else:
            clause += f", where {plural(needed, 'more supporter')} {'is' if needed == 1 else 'are'} needed"
            if pivotal:
                names = _alternatives([name_of(world, c) for c in pivotal])
                clause += f" and the opposition of {names} alone would block it"
        out.append(clause)
    return out


def _settle_judgements(world: World, verdict: JoinVerdict) -> list[str]:
    settle = verdict.to_settle
    if settle is None:
        return []
    texts = {c.id: c.text for c in verdict.conditions}
    whether = [f"whether {criterion(world, j.of, texts[j.condition])}" for j in settle.judgements]
    if not whether:
        return []
    settles = "settles" if len(whether) == 1 else "settles either"
    return [f"on {_names(whether)}, which no assessment on record {settles}"]


def _doubts(world: World, verdict: JoinVerdict) -> str:
    """Say so when a low-confidence fact is among those that decided the verdict."""
    facts = [
        name_of(world, e.state)
        for c in verdict.conditions
        if c.outcome != "holds" or verdict.verdict == "eligible"
        for e in c.evidence
        if e.confidence == "low"
    ]
    stances = [f"{name_of(world, v)}'s stance" for s in verdict.decision.stages for v in s.low_confidence]
    found = list(dict.fromkeys([*stances, *(f"a fact about {f}" for f in facts)]))
    if not found:
        return ""
    return f" This rests on low-confidence facts ({_names(found)}); asked with `trust: medium` they are left out."


def _horizon(world: World, verdict: JoinVerdict) -> str:
    if not verdict.beyond_horizon or world.facts.horizon is None:
        return ""
    day = world.facts.horizon.isoformat()
    return (
        f" Beware: the question is dated after {day}, the last date this world's facts were checked; "
        "facts after it are not known (terms of office that end, such as Security Council seats, read as vacant)."
    )


def explain(world: World, verdict: JoinVerdict) -> str:
    """The verdict as sentences an analyst could paste into a memo."""
    who = name_of(world, verdict.state)
    org = org_called(world, verdict.org)
    day = verdict.as_of.isoformat()
    if verdict.verdict == "member":
        since = f" (since {verdict.status_since.isoformat()})" if verdict.status_since else ""
        return f"{who} is already a member of {org}{since}." + _horizon(world, verdict)
    lead = ""
    record = world.states[world.index[verdict.state]] if verdict.state in world.index else None
    if record is not None and record.dissolved is not None and record.dissolved <= verdict.as_of:
        lead = f"{who} no longer existed on {day} (dissolved {record.dissolved.isoformat()}); as if it did: "
    if verdict.status == "suspended":
        since = f" since {verdict.status_since.isoformat()}" if verdict.status_since else ""
        lead = f"{who} is suspended from {org}{since}, and is answered as an applicant for readmission. "
    failing = [c for c in verdict.conditions if c.outcome == "fails"]
    unknown = [c for c in verdict.conditions if c.outcome == "unknown"]
    if verdict.verdict == "blocked":
        reasons = [
            f"{_reason(world, verdict, c)} ({c.source})" if c.source else _reason(world, verdict, c) for c in failing
        ]
        reasons += _failed_phrase(world, verdict)
        text = f"{who} cannot join {org} on {day}: " + "; ".join(reasons) + "."
        if verdict.remedies:
            first, *others = verdict.remedies
            text += " Remedy: " + " and ".join(remedy_phrase(world, ch) for ch in first.changes) + "."
            for other in others[:3]:
                text += " Alternatively: " + " and ".join(remedy_phrase(world, ch) for ch in other.changes) + "."
        if verdict.irremediable:
            ids = ", ".join(f"`{i}`" for i in verdict.irremediable)
            text += f" No change can lift {ids}."
        return lead + text + _doubts(world, verdict) + _horizon(world, verdict)
    if verdict.verdict == "eligible":
        return (
            lead
            + f"{who} can join {org} on {day}: every condition holds and the decision passes."
            + _horizon(world, verdict)
        )
    clauses = _open_phrase(world, verdict)
    judged = _settle_judgements(world, verdict)
    if clauses and judged:
        judged[0] = "and " + judged[0]
    elif judged:
        judged[0] = "it turns " + judged[0]
    # Unknown conditions that no judgement settles (a combinator's unknown part) are still said.
    settled = {j.condition for j in verdict.to_settle.judgements} if verdict.to_settle else set()
    rest = [_reason(world, verdict, c) for c in unknown if c.id not in settled]
    body = "; ".join([*clauses, *judged, *rest])
    text = f"Nothing blocks {who} from joining {org} on {day}, but the outcome is open: {body}."
    return lead + text + _doubts(world, verdict) + _horizon(world, verdict)


def _pair(w: World, pair: list[str]) -> str:
    return f"{name_of(w, pair[0])} and {name_of(w, pair[1])}"


def _stance(verb: str) -> Callable[[World, dict[str, Any]], str]:
    words = {"support": "supports", "oppose": "opposes", "abstain": "abstains on"}[verb]
    return lambda w, e: f"{name_of(w, e['by'])} {words} {name_of(w, e[verb])}'s bid to join {org_called(w, e['in'])}"


#: How an event reads as a clause, by verb (the date is added after).
_EVENTS: dict[str, Callable[[World, dict[str, Any]], str]] = {
    "establish": lambda w, e: f"{_pair(w, e['establish'])} establish diplomatic relations",
    "sever": lambda w, e: f"{_pair(w, e['sever'])} sever diplomatic relations",
    "recognize": lambda w, e: f"{name_of(w, e['by'])} recognises {name_of(w, e['recognize'])}",
    "withdraw_recognition": lambda w, e: (
        f"{name_of(w, e['by'])} withdraws its recognition of {name_of(w, e['withdraw_recognition'])}"
    ),
    "admit": lambda w, e: (
        f"{name_of(w, e['admit'])} becomes {'a ' if e['as'] != 'observer' else 'an '}"
        f"{e['as'].replace('_', ' ')} of {org_called(w, e['to'])}"
    ),
    "leave": lambda w, e: f"{name_of(w, e['leave'])} leaves {org_called(w, e['from'])}",
    "conflict": lambda w, e: f"the armed conflict between {_pair(w, e['conflict'])}",
    "end_conflict": lambda w, e: f"the armed conflict between {_pair(w, e['end_conflict'])} ends",
    "sanction": lambda w, e: f"UN Security Council sanctions on {name_of(w, e['sanction'])}",
    "lift_sanctions": lambda w, e: f"UN Security Council sanctions on {name_of(w, e['lift_sanctions'])} end",
    "support": _stance("support"),
    "oppose": _stance("oppose"),
    "abstain": _stance("abstain"),
    "assess": lambda w, e: f"{name_of(w, e['of'])} is judged{'' if e['as'] else ' not'} to meet `{e['assess']}`",
}


def event_phrase(world: World, event: dict[str, Any], on: str | None = None, dated: bool = True) -> str:
    """An event as a clause: 'Armenia and Pakistan establish diplomatic relations on 2025-08-31'.

    An interval (a conflict, a sanctions regime) is cited as recorded; ``on`` says which of its
    ends changed something: "begins on D1" or "ends on D2".
    """
    verb = _verb(event)
    if verb is None:
        return str(event)
    clause = _EVENTS[verb](world, event)
    if m.VERBS[verb].interval:
        start, until = event.get("from"), event.get("until")
        ends = on is not None and on != start and on == until
        return clause + (
            (f" ends on {until}" if ends else f" begins on {start}") if dated else (" ends" if ends else " begins")
        )
    when = on or event.get("on")
    return clause + (f" on {when}" if when and dated else "")


assert _EVENTS.keys() == m.VERBS.keys(), "every event verb needs a clause"
