"""Rule diffs: every verdict that changes between two rule sets over a period, and the condition why.

Cedar compares two policy sets before one is deployed; ``accede diff OLD NEW`` does the same for
accession rules. Each side is the world's rules with some organisations' rules replaced: by a
rules folder, a single rule file, or a rules folder as a git revision holds it. Both sides are
evaluated on the same facts, so a verdict can only differ where an organisation's rules do. A
verdict changes as ``impact`` reads a change: its name (blocked, undetermined, eligible), or the
set of conditions that fail.

Two halves, kept apart as the pipeline keeps reading and evaluation apart:

- reading (``read_rule_set``, ``check_rule_set``): files, folders and ``git show`` / ``git ls-tree``
  become validated models, every problem located in its file or at the argument;
- comparing (``compare``): pure. Verdicts are constant between the dates on which a fact they
  can read or a rule version changes, so only those dates are evaluated, each one sweep per
  side over one shared snapshot, and equal neighbours merge into intervals.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NamedTuple

from engine import models as m
from engine.common.errors import AccedeError, Problem, did_you_mean, shown
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.facts import Facts, Snapshot
from engine.compiler.rulebook import CompiledOrg, CompiledVersion, Rulebook
from engine.compiler.world import World
from engine.evaluation.sweep import matrix
from engine.evaluation.tally import Assume, stage_names, tally
from engine.evaluation.verdict import VerdictName
from engine.reading.loader import display, validate
from engine.reading.yaml12 import Document, parse_yaml, read_yaml
from engine.validation import validate_rules

__all__ = [
    "EPOCH",
    "FAIL_ON",
    "Cause",
    "Change",
    "ChangeGroup",
    "Period",
    "RuleDiff",
    "RuleSet",
    "change_dates",
    "check_rule_set",
    "compare",
    "differing_periods",
    "read_rule_set",
    "rules_folder",
    "tripped",
]

#: Where a diff starts when no organisation's rules differ (and so none has a first version to start from).
EPOCH = date(1945, 1, 1)

#: ``--fail-on``: which changes make a CI gate fail.
FAIL_ON = ("new-eligible", "new-blocked", "any")

#: A side's verdict: None where it has no rules in force (the other side has).
Verdict = VerdictName | None

_RULE_SUFFIXES = (".yaml", ".yml")
#: A git command that takes longer than this is stuck (a credential prompt, a huge repository).
_GIT_SECONDS = 60


# === reading ==================================================================================


@dataclass(frozen=True)
class RuleSet:
    """The organisations one side of a diff defines (the world's rules stand in for the rest)."""

    label: str
    orgs: Mapping[str, m.Organization]
    #: Where each organisation was written, to locate its problems.
    docs: Mapping[str, Document] = field(default_factory=dict)


def rules_folder(world_folder: Path) -> Path | None:
    """The rules folder a world folder's ``world.yaml`` names, if it names one."""
    header = read_yaml(world_folder / "world.yaml", display(world_folder / "world.yaml")).data
    rules = header.get("rules") if isinstance(header, dict) else None
    return (world_folder / rules).resolve() if isinstance(rules, str) else None


def read_rule_set(spec: str, arg: str, *, default_rules: Path | None = None, cwd: Path | None = None) -> RuleSet:
    """What ``OLD`` or ``NEW`` names: a rules folder, one rule file, or a git revision ``REV[:path]``.

    A path that exists is read as one; anything else is a revision of the git repository around
    ``cwd`` (``REV`` alone reads ``default_rules``, the world's rules folder, as ``REV`` holds
    it). Problems are located in the files, or at ``arg`` (``OLD``, ``NEW``) when what was named
    cannot be read at all.
    """
    here = cwd or Path.cwd()
    path = here / spec
    if spec and path.is_dir():
        if (path / "world.yaml").is_file():
            message = f"`{shown(spec)}` is a world folder: name its rules folder (or a rule file)"
            raise AccedeError.one("file.not-found", message, field=arg)
        files = sorted(p for p in path.rglob("*") if p.suffix in _RULE_SUFFIXES and p.is_file())
        if not files:
            raise AccedeError.one("file.not-found", f"no rule files (.yaml) in `{shown(spec)}`", field=arg)
        return _rule_set(spec, ((f, display(f), None) for f in files))
    if spec and path.is_file():
        return _rule_set(spec, [(path, display(path), None)])
    return _revision(spec, arg, default_rules, here)


def _rule_set(label: str, sources: Iterable[tuple[Path | None, str, bytes | None]]) -> RuleSet:
    """Rule documents (a file to read, or the bytes git gave) validated, every problem of every one."""
    problems: list[Problem] = []
    orgs: dict[str, m.Organization] = {}
    docs: dict[str, Document] = {}
    for path, name, data in sources:
        try:
            doc = read_yaml(path, name) if path is not None else parse_yaml(data or b"", name)
            org = validate(doc, m.Organization)
        except AccedeError as exc:
            problems.extend(exc.problems)
            continue
        if org.code in orgs:
            message = f"organisation `{org.code}` is defined twice (also in {docs[org.code].file})"
            problems.append(doc.problem("rule.duplicate-org", message, ("org",)))
            continue
        orgs[org.code], docs[org.code] = org, doc
    if problems:
        raise AccedeError(problems)
    return RuleSet(label, orgs, docs)


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    # A list of arguments and no shell: a revision is passed to git as one word, never interpreted.
    return subprocess.run(  # noqa: S603 (git is the tool asked for; its arguments are checked)
        ["git", *args],  # noqa: S607 (git from PATH, as a user runs it)
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=_GIT_SECONDS,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's own reason, on one line, for a message."""
    text = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return shown(text[-1].removeprefix("fatal: "), 120) if text else f"git exited with status {result.returncode}"


def _revision(spec: str, arg: str, default_rules: Path | None, cwd: Path) -> RuleSet:
    """A rules folder (or file) as a git revision holds it: ``REV`` or ``REV:path``."""
    rev, colon, inner = spec.partition(":")

    def fail(message: str) -> AccedeError:
        return AccedeError.one("file.not-found", message, field=arg)

    neither = f"no rules file or folder `{shown(spec)}`"
    # A leading dash would reach git as an option (`--output=...`), not as a revision.
    if not rev or rev.startswith("-"):
        raise fail(f"{neither}, and `{shown(rev)}` is not a git revision")
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd)
        if top.returncode != 0:
            raise fail(f"{neither}, and no git repository here to read it from as a revision")
        root = Path(top.stdout.decode().strip())
        tree = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}"], root)
        if tree.returncode != 0:
            raise fail(f"{neither}, and `{shown(rev)}` is not a revision of the git repository `{root}`")
        sha = tree.stdout.decode().strip()
        where = _inside(inner, colon, default_rules, root, cwd)
        if where is None:
            raise fail(f"the world's rules folder is not in the git repository `{root}`: write `{shown(rev)}:path`")
        listed = _git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", sha, "--", where], root)
        if listed.returncode != 0:
            raise fail(f"`{shown(spec)}`: {_said(listed)}")
        names = [n for n in listed.stdout.decode("utf-8", "replace").split("\0") if n.endswith(_RULE_SUFFIXES)]
        if not names:
            raise fail(f"the revision `{shown(rev)}` has no rule files at `{shown(where)}`")
        sources = []
        for name in sorted(names):
            shown_as = f"{rev}:{name}"
            blob = _git(["show", f"{sha}:{name}"], root)
            if blob.returncode != 0:
                raise fail(f"`{shown(shown_as)}`: {_said(blob)}")
            sources.append((None, shown_as, blob.stdout))
    except FileNotFoundError:
        raise fail(f"{neither}, and git is not installed to read it as a revision") from None
    except subprocess.TimeoutExpired:
        raise fail(f"`{shown(spec)}`: git did not answer in {_GIT_SECONDS} seconds") from None
    return _rule_set(spec, sources)


def _inside(inner: str, colon: str, default_rules: Path | None, root: Path, cwd: Path) -> str | None:
    """The path inside the repository a revision is read at, as git's ``REV:path`` means it.

    ``REV:path`` is relative to the repository's top, ``REV:./path`` to the working directory
    (as ``git show`` reads them); ``REV`` alone is the world's rules folder.
    """
    if colon and inner:
        if inner.startswith(("./", "../")) or inner in (".", ".."):
            try:
                inner = os.path.relpath((cwd / inner).resolve(), root.resolve())
            except ValueError:
                return None
        return PurePosixPath(*Path(inner).parts).as_posix() if inner != "." else "."
    if default_rules is None:
        return None
    try:
        return default_rules.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def check_rule_set(world: World, rules: RuleSet) -> list[Problem]:
    """Every problem of a rule set read against a world: organisations, references, statuses.

    The world on its own is valid, so every problem found with the rule set in place is one of
    the rule set's; each is located in the file that defines the organisation.
    """
    problems: list[Problem] = []
    known = {code: org.model for code, org in world.orgs.items()}
    mine: dict[str, m.Organization] = {}
    for code, org in rules.orgs.items():
        doc = rules.docs.get(code)
        if code not in known:
            message = (
                f"the world `{world.name}` has no organisation `{shown(code)}`{did_you_mean(code, known)}: "
                "a rule set can only replace the rules of the world's organisations"
            )
            problems.append(_at(doc, "world.unknown-org", message, ("org",)))
            continue
        mine[code] = org
    models = known | mine

    def reporter(code: str) -> Callable[..., Problem]:
        doc = rules.docs.get(code)

        def report(kind: str, message: str, path: tuple[str | int, ...] = (), rule_id: str | None = None) -> Problem:
            return _at(doc if code in mine else None, kind, message, path, rule_id)

        return report

    problems.extend(validate_rules(models, {code: reporter(code) for code in models}, world.index))
    problems.extend(_undeclared_statuses(world.facts, mine, rules.docs))
    return problems


def _at(
    doc: Document | None, code: str, message: str, path: tuple[str | int, ...], rule_id: str | None = None
) -> Problem:
    return doc.problem(code, message, path, rule_id) if doc is not None else Problem(code, message, rule_id=rule_id)


def _undeclared_statuses(
    facts: Facts, orgs: Mapping[str, m.Organization], docs: Mapping[str, Document]
) -> list[Problem]:
    """A status the world's history gives in an organisation whose new rules no longer declare it."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for key, placed in facts.history.items():
        if key[0] != "status" or key[2] not in orgs:
            continue
        org = orgs[key[2]]
        for item in placed:
            event = item.event
            if isinstance(event, m.Admit) and event.as_ not in org.statuses and (org.code, event.as_) not in seen:
                seen.add((org.code, event.as_))
                message = (
                    f"the world admits {event.admit} to the {org.code} as `{event.as_}` on "
                    f"{item.on.isoformat()}, a status these rules do not declare"
                )
                problems.append(_at(docs.get(org.code), "rule.unknown-status", message, ("statuses",)))
    return problems


# === comparing ================================================================================


class Cause(NamedTuple):
    """Why a verdict differs: the conditions whose outcome differs, the decision stages whose
    outcome differs, or the side that has no rules in force on the date."""

    conditions: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    no_rules: Literal["old", "new"] | None = None

    def sort_key(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        return (self.conditions, self.stages, self.no_rules or "")

    def to_json(self) -> dict[str, Any]:
        return {"conditions": list(self.conditions), "stages": list(self.stages), "no_rules": self.no_rules}


class Change(NamedTuple):
    """One state's verdict under OLD and under NEW, from ``start`` until ``end`` (exclusive; None: open),
    with the conditions that fail under each."""

    state: str
    start: date
    end: date | None
    old: Verdict
    new: Verdict
    old_failing: tuple[str, ...] = ()
    new_failing: tuple[str, ...] = ()

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "from": self.start.isoformat(),
            "until": self.end.isoformat() if self.end else None,
            "old": self.old,
            "new": self.new,
            "old_failing": list(self.old_failing),
            "new_failing": list(self.new_failing),
        }


@dataclass(frozen=True)
class ChangeGroup:
    """Every change of one organisation's verdicts that one cause explains."""

    org: str
    cause: Cause
    changes: tuple[Change, ...]

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, **self.cause.to_json(), "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class RuleDiff:
    """What ``compare`` found: the period, the organisations whose rules differ (``compared``:
    those whose verdicts can differ), and the changes by cause."""

    start: date
    until: date | None
    compared: tuple[str, ...]
    groups: tuple[ChangeGroup, ...]
    #: Organisations whose rules differ only in what no verdict reads (wording, sources).
    reworded: tuple[str, ...] = ()
    #: Each cited condition's text and where it is written (``both``, ``old``, ``new``), by (org, id).
    conditions: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: The period reaches past the world's horizon (facts after it are not known).
    beyond_horizon: bool = False

    @property
    def changes(self) -> list[tuple[str, Change]]:
        """Every change with its organisation."""
        return [(g.org, c) for g in self.groups for c in g.changes]

    def summary(self) -> dict[str, int]:
        found = self.changes
        return {
            "changes": len(found),
            "states": len({c.state for _, c in found}),
            "orgs": len({org for org, _ in found}),
        }

    def at(self, org: str, state: str, on: date) -> tuple[Change, Cause] | None:
        """The change in force for one pair on one date, with its cause, if its verdict differs then."""
        for group in self.groups:
            if group.org == org:
                for change in group.changes:
                    if change.state == state and change.covers(on):
                        return change, group.cause
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "compared": list(self.compared),
            "reworded": list(self.reworded),
            "groups": [g.to_json() for g in self.groups],
            "summary": self.summary(),
        }
        if self.beyond_horizon:
            out["beyond_horizon"] = True
        return out


def tripped(diff: RuleDiff, rule: str) -> list[tuple[str, Change]]:
    """The changes that trip a ``--fail-on`` gate: ``new-eligible`` (someone not eligible under OLD
    is under NEW), ``new-blocked`` (someone not blocked under OLD is under NEW), or ``any``."""
    if rule not in FAIL_ON:
        raise ValueError(f"not a --fail-on rule: {rule!r}")
    wanted = {"new-eligible": "eligible", "new-blocked": "blocked"}.get(rule)
    return [(org, c) for org, c in diff.changes if wanted is None or (c.new == wanted and c.old != wanted)]


class _Differs(NamedTuple):
    """What a pair holds on one date when its verdict differs: old, new, and why."""

    old: Verdict
    new: Verdict
    old_failing: tuple[str, ...]
    new_failing: tuple[str, ...]
    cause: Cause


def compare(
    world: World,
    old: Mapping[str, m.Organization],
    new: Mapping[str, m.Organization],
    *,
    start: date | None = None,
    until: date | None = None,
    orgs: Sequence[str] | None = None,
    assume: Assume = "unknown",
    progress: Callable[[int, int], None] | None = None,
) -> RuleDiff:
    """Every verdict that differs between the world under ``old`` and under ``new``, over [start, until).

    ``old`` and ``new`` replace the rules of the world's organisations they name (validated
    first, by ``check_rule_set``). Only organisations whose conditions or decision differ (among
    ``orgs``, if given) are evaluated, and only on the periods they differ on. ``start`` defaults
    to their earliest rule version (``EPOCH`` when none differs), ``until`` to the day after the
    world's horizon (open, when it has none). Pure: no I/O, and the world is left as it was.
    """
    unknown = sorted((old.keys() | new.keys()) - world.orgs.keys())
    if unknown:
        raise ValueError(f"rules for organisations the world does not have: {unknown}")
    books = (world.rules.amended(old) if old else world.rules, world.rules.amended(new) if new else world.rules)
    periods = {
        code: differing_periods(books[0].orgs[code], books[1].orgs[code])
        for code in sorted(books[1].orgs)
        if (orgs is None or code in orgs) and books[0].orgs[code].model != books[1].orgs[code].model
    }
    differing = tuple(code for code, found in periods.items() if found)
    if start is None:
        firsts = [v.valid_from for b in books for code in differing for v in b.orgs[code].versions]
        start = min(firsts, default=EPOCH)
    horizon = world.facts.horizon
    if until is None and horizon is not None:
        until = horizon + timedelta(days=1)
    # One layer of facts for both sides: each date's snapshot is built once, and the checks the
    # two rule sets share are evaluated once on it.
    facts = world.facts.layer()
    sides = (World(facts, books[0], world.revision), World(facts, books[1], world.revision))
    days = change_dates(facts, books, differing, start, until)
    running: dict[str, dict[str, tuple[date, _Differs]]] = {code: {} for code in differing}
    found: dict[tuple[str, Cause], list[Change]] = {}

    def close(org: str, state: str, since: date, value: _Differs, end: date | None) -> None:
        change = Change(state, since, end, value.old, value.new, value.old_failing, value.new_failing)
        found.setdefault((org, value.cause), []).append(change)

    for k, day in enumerate(days):
        if progress is not None:
            progress(k, len(days))
        snap: Snapshot | None = None
        for org in differing:
            now: dict[str, _Differs] = {}
            if any(begin <= day and (end is None or day < end) for begin, end in periods[org]):
                # Built only for a date some organisation's rules differ on: elsewhere nothing can.
                snap = snap or facts.as_of(day)
                now = _differences(sides, snap, org, assume)
            held = running[org]
            for state, (since, value) in list(held.items()):
                if now.get(state) != value:
                    close(org, state, since, value, day)
                    del held[state]
            for state, value in now.items():
                if state not in held:
                    held[state] = (day, value)
    for org, held in running.items():
        for state, (since, value) in held.items():
            close(org, state, since, value, until)
    groups = tuple(
        ChangeGroup(org, cause, tuple(sorted(changes, key=lambda c: (c.state, c.start))))
        for (org, cause), changes in sorted(found.items(), key=lambda item: (item[0][0], item[0][1].sort_key()))
    )
    return RuleDiff(
        start,
        until,
        differing,
        groups,
        tuple(code for code, found in periods.items() if not found),
        _condition_notes(books, groups),
        horizon is not None and (until is None or until > horizon + timedelta(days=1)),
    )


#: A period [from, until); None: open.
Period = tuple[date, date | None]


def differing_periods(old: CompiledOrg, new: CompiledOrg) -> list[Period]:
    """The periods on which two rule sets of one organisation can give different verdicts.

    That is where the versions in force differ in their conditions (ids and checks) or their
    decision, or where only one side has rules in force; wording, sources and confidence change
    no verdict, so a rule set only reworded has no such period.
    """
    bounds = sorted(
        {v.valid_from for org in (old, new) for v in org.versions}
        | {v.valid_until for org in (old, new) for v in org.versions if v.valid_until is not None}
    )
    out: list[Period] = []
    for k, begin in enumerate(bounds):
        end = bounds[k + 1] if k + 1 < len(bounds) else None
        if _meaning(old, begin) != _meaning(new, begin):
            if out and out[-1][1] == begin:
                out[-1] = (out[-1][0], end)
            else:
                out.append((begin, end))
    return out


def _meaning(org: CompiledOrg, on: date) -> tuple[Any, ...] | None:
    """What decides a verdict on ``on`` under these rules: each condition's id and check, the decision."""
    version = org.version_at(on)
    if version is None:
        return None
    # Versions begin on distinct dates (overlaps are refused), so the date finds the written version.
    written = next(v for v in org.model.versions if v.valid_from == version.valid_from)
    return (tuple((c.id, c.check) for c in written.conditions), written.decision)


def change_dates(
    facts: Facts, books: Sequence[Rulebook], orgs: Sequence[str], start: date, until: date | None
) -> list[date]:
    """``start`` and every later date before ``until`` on which a verdict of ``orgs`` can change.

    A verdict reads facts about any state (relations, recognition, conflicts, sanctions,
    judgements), statuses in the organisation, in those its rules name and in the one whose
    members recognise one another by default, and stances on bids in the organisation itself;
    it also changes when a rule version begins or ends, or a state ceases to exist. Events of
    other facts (a status in an unrelated organisation) are left out: they cannot move it.
    """
    if not orgs:
        return []
    read = set(orgs)
    for book in books:
        for code in orgs:
            read |= book.names.get(code, frozenset())
    if facts.recognition_among is not None:
        read.add(facts.recognition_among)
    found = {start}
    for key, placed in facts.history.items():
        if (key[0] == "status" and key[2] not in read) or (key[0] == "pos" and key[1] not in orgs):
            continue
        for item in placed:
            found.add(item.on)
            end = getattr(item.event, "until", None)
            if isinstance(end, date):
                found.add(end)
    found.update(record.dissolved for record in facts.states if record.dissolved is not None)
    for book in books:
        for code in orgs:
            for version in book.orgs[code].versions:
                found.add(version.valid_from)
                if version.valid_until is not None:
                    found.add(version.valid_until)
    return sorted(d for d in found if d >= start and (until is None or d < until))


def _differences(sides: tuple[World, World], snap: Snapshot, org: str, assume: Assume) -> dict[str, _Differs]:
    """The non-members of ``org`` on the snapshot's date whose verdict differs between the sides."""
    on = snap.on
    old_version, new_version = sides[0].orgs[org].version_at(on), sides[1].orgs[org].version_at(on)
    if old_version is None or new_version is None:
        # One side has no rules in force: every verdict the other gives is new, or gone.
        if old_version is None and new_version is None:
            return {}
        missing: Literal["old", "new"] = "old" if old_version is None else "new"
        cause = Cause(no_rules=missing)
        out: dict[str, _Differs] = {}
        for row in matrix(sides[0 if missing == "new" else 1], on, orgs=[org], assume=assume).iter_rows():
            if missing == "old":
                out[row.state] = _Differs(None, row.verdict, (), row.failing, cause)
            else:
                out[row.state] = _Differs(row.verdict, None, row.failing, (), cause)
        return out
    ctx = OrgContext(snap, org)
    fails = [[(c.id, c.check.masks(ctx)[1]) for c in version.conditions] for version in (old_version, new_version)]
    blocked = [0, 0]
    for k, side in enumerate(fails):
        for _, mask in side:
            blocked[k] |= mask
    by_id = [dict(side) for side in fails]
    refail = 0  # the states whose set of failing conditions differs
    for cid in by_id[0].keys() | by_id[1].keys():
        refail |= by_id[0].get(cid, 0) ^ by_id[1].get(cid, 0)
    candidates = sides[0].facts.existing(on) & ~snap.members(org)
    both = blocked[0] & blocked[1] & candidates
    codes = sides[0].codes
    causes = _Causes(ctx, old_version, new_version, assume)
    out = {}
    # Blocked under both rule sets: the verdicts agree, and the bitsets say whether the reasons do,
    # without a row for each (most states, outside the region or without the prior status).
    for i in bits(both & refail):
        failing = [tuple(cid for cid, mask in side if mask >> i & 1) for side in fails]
        out[codes[i]] = _Differs("blocked", "blocked", failing[0], failing[1], causes.of(i))
    rest = candidates & ~both
    if not rest:
        return out
    # The others are swept on both sides: the decision decides for those no condition blocks.
    states = snap.codes_of(rest)
    rows = [
        {r.state: r for r in matrix(side, on, orgs=[org], states=states, assume=assume).iter_rows()} for side in sides
    ]
    index = sides[0].index
    for state, before in rows[0].items():
        after = rows[1][state]  # the same facts, so the same non-members on both sides
        # As `impact` reads a change: the verdict, or the set of conditions that fail.
        if before.verdict != after.verdict or set(before.failing) != set(after.failing):
            out[state] = _Differs(before.verdict, after.verdict, before.failing, after.failing, causes.of(index[state]))
    return out


class _Causes:
    """Why verdicts differ on one date in one organisation: the conditions and stages whose outcome
    differs for an applicant (an absent condition holds, an absent stage passes: neither stands in
    anyone's way). Condition outcomes are compared as bitsets, once for every applicant."""

    def __init__(self, ctx: OrgContext, old: CompiledVersion, new: CompiledVersion, assume: Assume) -> None:
        self.ctx, self.old, self.new, self.assume = ctx, old, new, assume
        self._differ: list[tuple[str, int]] | None = None
        # Identical decisions on the same facts cannot differ: tallies are only counted when the
        # rule sets decide differently.
        self.decide_alike = old.decision == new.decision

    @property
    def differ(self) -> list[tuple[str, int]]:
        """Each condition id with the states whose outcome of it differs (built on first use)."""
        if self._differ is None:
            outcomes = [{c.id: c.check.masks(self.ctx) for c in version.conditions} for version in (self.old, self.new)]
            held = (self.ctx.all, 0)
            self._differ = [
                (cid, (was[0] ^ now[0]) | (was[1] ^ now[1]))
                for cid in sorted(outcomes[0].keys() | outcomes[1].keys())
                for was, now in [(outcomes[0].get(cid, held), outcomes[1].get(cid, held))]
            ]
        return self._differ

    def of(self, i: int) -> Cause:
        conditions = tuple(cid for cid, mask in self.differ if mask >> i & 1)
        stages: tuple[str, ...] = ()
        if not self.decide_alike:
            was = _stage_outcomes(self.ctx, self.old, i, self.assume)
            now = _stage_outcomes(self.ctx, self.new, i, self.assume)
            named = [*now, *(n for n in was if n not in now)]
            stages = tuple(n for n in named if was.get(n, "passes") != now.get(n, "passes"))
        return Cause(conditions, stages)


def _stage_outcomes(ctx: OrgContext, version: CompiledVersion, i: int, assume: Assume) -> dict[str, str]:
    stages = zip(version.decision, stage_names(version.decision), strict=True)
    return {name: tally(ctx, stage, i, assume, name).outcome for stage, name in stages}


def _condition_notes(
    books: Sequence[Rulebook], groups: Sequence[ChangeGroup]
) -> dict[tuple[str, str], tuple[str, str]]:
    """The text of each condition a change cites (NEW's wording first), and which sides have it."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for group in groups:
        for cid in group.cause.conditions:
            if (group.org, cid) in out:
                continue
            texts = [
                next((c.text for v in reversed(b.orgs[group.org].versions) for c in v.conditions if c.id == cid), None)
                for b in books
            ]
            where = "both" if all(texts) else "old" if texts[0] else "new"
            out[group.org, cid] = (texts[1] or texts[0] or "", where)
    return out
