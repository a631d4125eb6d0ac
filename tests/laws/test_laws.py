"""Laws every answer must obey, checked on generated worlds (tests/strategies.py).

Each law is one Hypothesis test: the engine agrees with a naive oracle of the SPEC, adding
relations never hurts a `relations_with` condition, the order of the history does not matter,
a what-if leaves the baseline alone, every cited fact exists, every remedy lifts what it claims,
and a change undone is as if it never happened. Example counts scale with the Hypothesis profile
(`HYPOTHESIS_PROFILE=heavy` runs ten times as many).
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from engine.common.errors import AccedeError
from engine.compiler.evidence import Evidence
from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.reading.yaml12 import Document
from engine.scenario import ScenarioResult
from engine.workspace import Workspace
from tests import strategies as gen
from tests.laws import oracle
from tests.strategies import examples

ASSUME = st.sampled_from(("unknown", "support", "oppose"))
RANK = {"fails": 0, "unknown": 1, "holds": 2}
VERDICT_RANK = {"blocked": 0, "undetermined": 1, "eligible": 2}


def scenario(
    world: dict[str, Any] | str,
    on: date,
    assumed: str = "unknown",
    changes: list[dict[str, Any]] | None = None,
    dates: list[date] | None = None,
    pairs: list[tuple[str, str]] | None = None,
    matrix: bool = True,
) -> dict[str, Any]:
    """A scenario asking every join (or ``pairs``) on each of ``dates`` (default: ``on``), and a matrix."""
    inline = world if isinstance(world, dict) else None
    if pairs is None:
        assert inline is not None
        pairs = [(s, o) for s in gen.codes_of(inline) for o in gen.orgs_of(inline)]
    questions: list[dict[str, Any]] = []
    for day in dates or [on]:
        questions += [
            {"id": f"{s}-{o}-{day}", "as_of": day.isoformat(), "join": {"state": s, "org": o}} for s, o in pairs
        ]
        if matrix:
            questions.append({"id": f"matrix-{day}", "as_of": day.isoformat(), "matrix": {}})
    return {
        "scenario": "generated",
        "world": world,
        "as_of": on.isoformat(),
        "assume": assumed,
        "changes": list(changes or []),
        "questions": questions,
    }


def run(data: dict[str, Any], workspace: Workspace | None = None, base_dir: Path | None = None) -> ScenarioResult:
    note(f"scenario: {json.dumps(data)}")
    return (workspace or Workspace()).run_document(Document("gen.yaml", data), base_dir)


def joins(result: ScenarioResult) -> dict[str, JoinVerdict]:
    return {qid: v for qid, v in result.verdicts.items() if isinstance(v, JoinVerdict)}


def outcome_only(answer: dict[str, Any]) -> dict[str, Any]:
    """A join's JSON with evidence cut down to who and what kind of fact.

    The wording and dates of evidence name the events behind a fact (``severed on``, ``since``),
    and a change undone leaves events behind it; the outcome and the facts cited against it must
    not differ. A holding condition cites the records that decided it, and an undone change is one
    (relations severed and restored are restored on record), so only its outcome is compared.
    """
    out = copy.deepcopy(answer)
    for dated in ("status_since", "member_since"):  # a status left and taken again dates from its return
        out.pop(dated, None)
    for condition in out.get("conditions", []):
        cited = condition["evidence"] if condition["outcome"] != "holds" else []
        # A condition that fails through `not` of a holding check cites what made that check hold:
        # the records of relations, which an undone change adds (found by this law, shrunk to
        # `not: {relations_with: [AAA]}` after relations with AAA were severed and restored).
        condition["evidence"] = [
            {"kind": e["kind"], "state": e["state"]} for e in cited if e["fact"] != HOLDING_RELATIONS
        ]
    return out


#: The fact a holding relations check cites for each relation on record (``checks._recorded_relations``).
HOLDING_RELATIONS = "has diplomatic relations"


def _has_not(check: dict[str, Any]) -> bool:
    if "not" in check:
        return True
    parts = check.get("all") or check.get("any") or []
    return any(_has_not(p) for p in parts)


def _conditions(world: dict[str, Any], org: str, on: date) -> list[dict[str, Any]]:
    version = oracle.version_in_force(world, org, on)
    assert version is not None
    return list(version["conditions"])


# --- a. the engine agrees with the oracle --------------------------------------------------


@settings(max_examples=examples(200))
@given(data=st.data())
def test_engine_agrees_with_the_oracle(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    assume_ = data.draw(ASSUME, label="assume")
    for on in data.draw(gen.question_dates(world, 1, 3), label="dates"):
        changes = data.draw(gen.changes(world, on), label=f"changes on {on}")
        result = run(scenario(world, on, assume_, changes))
        proj = oracle.Projection(world, on, changes, on)
        verdicts = joins(result)
        for state in gen.codes_of(world):
            for org in gen.orgs_of(world):
                got = verdicts[f"{state}-{org}-{on}"]
                want = oracle.verdict(world, on, state, org, assume_, proj=proj)
                where = f"{state} joining {org} on {on}"
                assert got.verdict == want.verdict, f"{where}: engine {got.verdict}, oracle {want.verdict}"
                assert set(got.failing) == want.failing, f"{where}: failing"
                assert set(got.unknown) == want.unknown, f"{where}: unknown"
                assert got.decision.outcome == want.decision, f"{where}: decision"
        sweep = result.verdicts[f"matrix-{on}"]
        assert isinstance(sweep, MatrixResult)
        rows = {(r.state, r.org, r.verdict, frozenset(r.failing)) for r in sweep.rows}
        assert len(rows) == len(sweep.rows), "a matrix row is repeated"
        from_joins = set()
        for row in sweep.rows:
            join = verdicts[f"{row.state}-{row.org}-{on}"]
            from_joins.add((row.state, row.org, join.verdict, frozenset(join.failing)))
        assert rows == from_joins, "matrix rows disagree with the join verdicts"
        assert rows == oracle.matrix_rows(proj, gen.orgs_of(world), assume_), "matrix rows disagree with the oracle"


@settings(max_examples=examples(150))
@given(data=st.data())
def test_every_recognition_agrees_with_the_oracle(data: st.DataObject) -> None:
    """Recognition fact by fact: explicit, implied by relations, or the world's default among one
    organisation's members less its recorded exceptions (the checks read exactly this)."""
    world = data.draw(gen.worlds(), label="world")
    among = data.draw(st.sampled_from(gen.orgs_of(world)), label="recognition among")
    codes = gen.codes_of(world)
    pins = data.draw(
        st.lists(st.sampled_from([(a, b) for a in codes for b in codes if a != b]), max_size=5, unique=True)
    )
    world = {**world, "recognition_default": {"among": among, "source": "generated"}}
    world["not_recognized"] = [{"by": a, "of": b} for a, b in pins]
    for on in data.draw(gen.question_dates(world, 1, 3), label="dates"):
        changes = data.draw(gen.changes(world, on), label=f"changes on {on}")
        result = run(scenario(world, on, "unknown", changes, matrix=False))
        compiled = result.evaluated_on
        assert compiled is not None
        snap = compiled.as_of(on)
        proj = oracle.Projection(world, on, changes, on)
        for by in codes:
            for of in codes:
                if by != of:
                    got = bool(snap.rec[compiled.index[by]] >> compiled.index[of] & 1)
                    assert got == proj.recognizes(by, of), f"{by} recognising {of} on {on}"


# --- b. adding relations never makes a relations_with condition fail ---------------------


@settings(max_examples=examples(100))
@given(data=st.data())
def test_adding_relations_never_makes_relations_with_fail(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    on = data.draw(gen.question_dates(world, 1, 1), label="date")[0]
    proj = oracle.Projection(world, on)
    apart = [
        (a, b)
        for k, a in enumerate(gen.codes_of(world))
        for b in gen.codes_of(world)[k + 1 :]
        if not proj.relations(a, b)
    ]
    assume(apart)
    a, b = data.draw(st.sampled_from(apart), label="pair")
    added: list[dict[str, Any]] = [{"establish": [a, b], "on": on.isoformat()}]
    later = proj.later_events(("relations", a, b))
    if later:
        # The history establishes them later: sever the day before, so that event still holds.
        added.append({"sever": [b, a], "on": gen.day_before(oracle.event_date(later[0])).isoformat()})
    assume_ = data.draw(ASSUME, label="assume")
    before, after = joins(run(scenario(world, on, assume_))), joins(run(scenario(world, on, assume_, added)))
    for qid, was in before.items():
        now = after[qid]
        if "member" in (was.verdict, now.verdict):
            # Relations change no membership: a member stays one, and is not an applicant.
            assert was.verdict == now.verdict, f"{qid}: {was.verdict} -> {now.verdict}"
            continue
        checks = {c["id"]: c["check"] for c in _conditions(world, was.org, on)}
        old = {c.id: c.outcome for c in was.conditions}
        new = {c.id: c.outcome for c in now.conditions}
        for cid, check in checks.items():
            if "relations_with" in check:
                assert not (old[cid] != "fails" and new[cid] == "fails"), (
                    f"{qid}: `{cid}` fails once {a}-{b} have relations"
                )
            if not _has_not(check):
                # Without `not`, every check is monotone in relations: it can only get better.
                assert RANK[new[cid]] >= RANK[old[cid]], f"{qid}: `{cid}` went from {old[cid]} to {new[cid]}"
        if not any(_has_not(c) for c in checks.values()):
            assert VERDICT_RANK[now.verdict] >= VERDICT_RANK[was.verdict], f"{qid}: {was.verdict} -> {now.verdict}"


# --- c. the order of events in the file does not matter ----------------------------------


@settings(max_examples=examples(100))
@given(data=st.data())
def test_event_order_does_not_matter(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    assume(len(world["events"]) > 1)
    shuffled = {**world, "events": data.draw(st.permutations(world["events"]), label="order")}
    assume(shuffled["events"] != world["events"])
    dates = data.draw(gen.question_dates(world, 1, 3), label="dates")
    assume_ = data.draw(ASSUME, label="assume")
    first = run(scenario(world, dates[0], assume_, dates=dates)).to_json()
    second = run(scenario(shuffled, dates[0], assume_, dates=dates)).to_json()
    assert first == second


# --- d. a what-if never mutates the baseline ---------------------------------------------


@settings(max_examples=examples(60))
@given(data=st.data())
def test_what_if_leaves_the_baseline_untouched(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    dates = data.draw(gen.question_dates(world, 1, 3), label="dates")
    on = dates[0]
    changes = data.draw(gen.changes(world, on, max_size=4), label="changes")
    assume(changes)
    assume_ = data.draw(ASSUME, label="assume")
    pairs = [(s, o) for s in gen.codes_of(world) for o in gen.orgs_of(world)]
    with tempfile.TemporaryDirectory() as tmp:
        # A world folder, so the workspace compiles it once and every scenario shares it.
        (Path(tmp) / "w").mkdir()
        (Path(tmp) / "w" / "world.yaml").write_text(json.dumps({"name": "generated", **world}))
        baseline = scenario("w", on, assume_, dates=dates, pairs=pairs)
        what_if = scenario("w", on, assume_, changes, dates=dates, pairs=pairs)
        kept = copy.deepcopy((baseline, what_if))
        workspace = Workspace()
        before = run(baseline, workspace, Path(tmp)).to_json()
        changed = run(what_if, workspace, Path(tmp)).to_json()
        after = run(baseline, workspace, Path(tmp)).to_json()
        assert after == before, "running a what-if changed the baseline's answers"
        assert run(what_if, workspace, Path(tmp)).to_json() == changed, "a what-if answered twice differs"
        # The other way round: the what-if first, on a fresh workspace, then the baseline.
        fresh = Workspace()
        assert run(what_if, fresh, Path(tmp)).to_json() == changed
        assert run(baseline, fresh, Path(tmp)).to_json() == before
        assert (baseline, what_if) == kept, "answering a scenario modified its input"


# --- e. every cited fact exists -------------------------------------------------------------


def _check_evidence(proj: oracle.Projection, applicant: str, evidence: Evidence, where: str) -> None:
    kind, who, fact, since = evidence.kind, evidence.state, evidence.fact, evidence.since
    where = f"{where}: {kind} evidence {fact!r} about {who}"
    if kind == "relations" and fact == "has diplomatic relations":
        # A holding relations check cites the establishments on record that decided it.
        related, last = proj.relations_fact(applicant, who)
        assert related, where
        assert since is not None, where
        assert since == last, f"{where}: since {since}, relations began {last}"
    elif kind == "relations":
        related, last = proj.relations_fact(applicant, who)
        assert not related, where
        assert since == last, f"{where}: since {since}, relations ended {last}"
        later = re.fullmatch(r"no diplomatic relations \(established only on (.+)\)", fact)
        if later is not None:
            # A pair whose record starts with a later establishment may cite that event.
            assert since is None, where
            first = proj.relations_first(applicant, who)
            assert first == ("establish", date.fromisoformat(later.group(1))), f"{where}: first event {first}"
            assert first[1] > proj.on, where
        else:
            assert fact == "no diplomatic relations", where
    elif kind == "recognition":
        assert fact == f"does not recognise {applicant}", where
        assert not proj.recognizes(who, applicant), where
        explicit, last = proj.explicit_recognition(who, applicant)
        assert since == (last if last is not None and not explicit else None), f"{where}: since {since}"
    elif kind == "conflict":
        assert since is not None, where
        assert proj.conflict_since(applicant, who) == since, where
    elif kind == "status":
        assert who == applicant, where
        found = re.fullmatch(r"holds (?:status (\w+)|no status) in the (\w+)", fact)
        assert found is not None, where
        assert proj.status_fact(applicant, found.group(2)) == (found.group(1), since), where
    elif kind == "region":
        assert who == applicant, where
        assert fact == f"lies in {proj.region(applicant)}", where
    elif kind == "sanctions":
        assert who == applicant, where
        if fact == "not under UN Security Council sanctions":
            assert not proj.sanctioned(applicant), where
            assert since is None, where
        else:
            assert fact == "under UN Security Council sanctions", where
            assert proj.sanctions_since(applicant) == since, where
    elif kind == "assessment":
        assert who == applicant, where
        found = re.fullmatch(r"(?:no assessment of (\w+) on record|assessed (not )?(\w+))", fact)
        assert found is not None, where
        if found.group(1):
            assert proj.assessment(found.group(1), applicant) == (None, None), where
        else:
            assert proj.assessment(found.group(3), applicant) == (not found.group(2), since), where
    else:
        raise AssertionError(f"{where}: unknown evidence kind")
    if evidence.member_since is not None:
        # The other state is cited as a member: it must be one, since that very date.
        spans = [proj.status_fact(who, o) for o in gen.orgs_of(proj.world)]
        assert ("member", evidence.member_since) in spans, f"{where}: member since {evidence.member_since}"


def _culprit(proj: oracle.Projection, verb: str, applicant: str, other: str) -> bool:
    """Whether ``other`` is one of the states that make a failing group check fail."""
    if verb == "relations_with":
        return not proj.relations(applicant, other)
    if verb == "recognized_by":
        return not proj.recognizes(other, applicant)
    return proj.in_conflict(applicant, other)


@settings(max_examples=examples(100))
@given(data=st.data())
def test_every_cited_fact_exists(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    on = data.draw(gen.question_dates(world, 1, 1), label="date")[0]
    changes = data.draw(gen.changes(world, on), label="changes")
    result = run(scenario(world, on, data.draw(ASSUME, label="assume"), changes, matrix=False))
    proj = oracle.Projection(world, on, changes, on)
    for qid, verdict in joins(result).items():
        checks = {c["id"]: c["check"] for c in _conditions(world, verdict.org, on)}
        for condition in verdict.conditions:
            for evidence in condition.evidence:
                _check_evidence(proj, verdict.state, evidence, f"{qid} `{condition.id}`")
            # A failing group check cites exactly the states that make it fail, no more, no fewer.
            check, me = checks[condition.id], verdict.state
            if condition.outcome != "fails" or not {"relations_with", "recognized_by", "no_conflict_with"} & set(check):
                continue
            verb = next(iter(check))
            group = oracle.group_codes(proj, check[verb], verdict.org, me)
            cited = {e.state for e in condition.evidence}
            assert cited == {o for o in group if _culprit(proj, verb, me, o)}, f"{qid} `{condition.id}`"


# --- f. every remedy lifts what it claims ---------------------------------------------------


def _involves(change: dict[str, Any], applicant: str) -> bool:
    verb = oracle.verb_of(change)
    subject = change[verb]
    named = set(subject) if isinstance(subject, list) else {subject, change.get("of")}
    return applicant in named


@settings(max_examples=examples(100))
@given(data=st.data())
def test_every_remedy_lifts_what_it_claims(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    on = data.draw(gen.question_dates(world, 1, 1), label="date")[0]
    changes = data.draw(gen.changes(world, on), label="changes")
    assume_ = data.draw(ASSUME, label="assume")
    result = run(scenario(world, on, assume_, changes, matrix=False))
    remedied = [(v, r) for v in joins(result).values() for r in v.remedies]
    assume(remedied)
    picks = st.lists(st.sampled_from(range(len(remedied))), min_size=1, max_size=4, unique=True)
    for verdict, remedy in (remedied[k] for k in data.draw(picks, label="remedies")):
        where = f"{verdict.state} joining {verdict.org} on {on}, remedy {list(remedy.changes)}"
        # SPEC: a remedy lifts every failing condition that some change can lift; the rest are irremediable.
        assert set(remedy.lifts) | set(verdict.irremediable) == set(verdict.failing), where
        assert not set(remedy.lifts) & set(verdict.irremediable), where
        for change in remedy.changes:
            assert _involves(change, verdict.state), f"{where}: {change} does not involve the applicant"
        try:
            again = run(
                scenario(
                    world, on, assume_, [*changes, *remedy.changes], pairs=[(verdict.state, verdict.org)], matrix=False
                )
            )
        except AccedeError as exc:
            raise AssertionError(
                f"{where}: the remedy cannot be applied: {[p.render() for p in exc.problems]}"
            ) from None
        (now,) = joins(again).values()
        outcomes = {c.id: c.outcome for c in now.conditions}
        for cid in remedy.lifts:
            assert outcomes[cid] == "holds", f"{where}: `{cid}` {outcomes[cid]} after the remedy"


# --- g. a change applied then reverted is the identity -----------------------------------


def _reversible(world: dict[str, Any], start: date, end: date) -> list[list[dict[str, Any]]]:
    """Pairs of changes, on ``start`` and on ``end``, that leave every fact as the history has it from ``end``."""
    proj = oracle.Projection(world, start)
    d1, d2 = start.isoformat(), end.isoformat()

    def quiet(key: tuple[str, ...]) -> bool:  # no history event of this fact in (start, end]
        return all(oracle.event_date(e) > end for e in proj.later_events(key))

    codes, orgs = gen.codes_of(world), gen.orgs_of(world)
    out: list[list[dict[str, Any]]] = []
    for k, a in enumerate(codes):
        for b in codes[k + 1 :]:
            out.append([{"conflict": [a, b], "from": d1, "until": d2}])
            if quiet(("relations", a, b)):
                there, back = ("sever", "establish") if proj.relations(a, b) else ("establish", "sever")
                out.append([{there: [a, b], "on": d1}, {back: [b, a], "on": d2}])
    for by in codes:
        out.append([{"sanction": by, "from": d1, "until": d2}])
        for of in codes:
            # Where the world has a recognition default, a pair with no event and no record is
            # undecided (the default fills it); no pair of events leaves it undecided again: a
            # withdrawal is on record and the default no longer applies.
            undecided = (
                "recognition_default" in world
                and not list(proj._upto(("recognition", by, of)))
                and not any(r["by"] == by and r["of"] == of for r in world.get("not_recognized", []))
            )
            if by != of and quiet(("recognition", by, of)) and not undecided:
                held, _ = proj.explicit_recognition(by, of)
                there, back = ("withdraw_recognition", "recognize") if held else ("recognize", "withdraw_recognition")
                out.append([{there: of, "by": by, "on": d1}, {back: of, "by": by, "on": d2}])
        for org in orgs:
            if not quiet(("status", by, org)):
                continue
            held_status = proj.status(by, org)
            undo = (
                {"leave": by, "from": org, "on": d2}
                if held_status is None
                else {"admit": by, "to": org, "as": held_status, "on": d2}
            )
            for status in gen.STATUSES:
                if status != held_status:
                    out.append([{"admit": by, "to": org, "as": status, "on": d1}, undo])
            if held_status is not None:
                out.append([{"leave": by, "from": org, "on": d1}, undo])
    return out


@settings(max_examples=examples(100))
@given(data=st.data())
def test_applying_then_reverting_is_the_identity(data: st.DataObject) -> None:
    world = data.draw(gen.worlds(), label="world")
    start, end, *later = data.draw(gen.question_dates(world, 2, 4), label="dates")
    undone = data.draw(st.sampled_from(_reversible(world, start, end)), label="change and its reversal")
    assume_ = data.draw(ASSUME, label="assume")
    dates = [end, *later]
    baseline = run(scenario(world, start, assume_, dates=dates)).to_json()
    reverted = run(scenario(world, start, assume_, undone, dates=dates)).to_json()
    for was, now in zip(baseline["results"], reverted["results"], strict=True):
        assert outcome_only(now) == outcome_only(was), was["id"]
