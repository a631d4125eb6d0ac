"""The matrix as columns: per organisation, bitsets of candidates by verdict and by condition.

A sweep of 2,000 states against 300 organisations is 600,000 pairs; a Python object per pair cost
more than the evaluation (and the garbage collector walked every one of them). So the sweep keeps
only bitsets, a handful per organisation, and a ``MatrixRow`` is built when someone reads it:
``rows`` (all of them, built once), ``iter_rows`` (streamed, kept by nobody), ``row_of`` or
``where`` (only the rows asked for). Counts per verdict come from the bitsets alone.

Reading rows gives exactly what the sweep used to build eagerly: a state blocked by a condition
names its failing conditions (and, with ``parties``, who blocks each) and no tally; any other names
its unknown conditions and the decision's outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from engine.compiler.bitsets import bits
from engine.evaluation.combining import combine_masks

if TYPE_CHECKING:
    from engine.evaluation.verdict import VerdictName

__all__ = ["MatrixResult", "MatrixRow", "OrgColumn"]

#: The verdicts a sweep gives, in the order counts are kept (members are not swept).
_VERDICTS: tuple[VerdictName, ...] = ("eligible", "undetermined", "blocked")
#: The decision outcomes a column keeps masks of, in order.
_OUTCOMES = ("passes", "fails", "unknown")


class MatrixRow(NamedTuple):
    """One (state, organisation) verdict of a sweep; ``parties`` names who blocks, per condition."""

    state: str
    org: str
    verdict: VerdictName
    failing: tuple[str, ...]
    parties: dict[str, tuple[str, ...]] | None = None
    #: The unknown condition ids, and the decision's outcome (None when a condition already blocks).
    unknown: tuple[str, ...] = ()
    decision: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "org": self.org,
            "verdict": self.verdict,
            "failing": list(self.failing),
            "unknown": list(self.unknown),
            "decision": self.decision,
        }
        if self.parties is not None:
            out["parties"] = {cid: list(codes) for cid, codes in self.parties.items()}
        return out


#: Who fails a condition, for an applicant: None when the condition is about the applicant alone.
Parties = Callable[[int], int] | None


class OrgColumn:
    """One organisation's part of a sweep, as bitsets over state indexes (bit i = state i).

    ``fails[k]`` and ``unknown[k]`` are the candidates that fail condition k or leave it unknown;
    ``decided`` the candidates no condition blocks, by decision outcome (passes, fails, unknown).
    ``parties`` (when the sweep was asked for them) gives, per condition, a function that binds
    who-blocks for that condition; it is called only when a blocked row is read.
    """

    __slots__ = (
        "_names",
        "_plans",
        "blocked",
        "candidates",
        "condition_ids",
        "decided",
        "eligible",
        "fails",
        "org",
        "parties",
        "undetermined",
        "unknown",
    )

    def __init__(
        self,
        org: str,
        candidates: int,
        *,
        condition_ids: tuple[str, ...],
        fails: tuple[int, ...],
        unknown: tuple[int, ...],
        decided: tuple[int, int, int],
        parties: tuple[Callable[[], Parties], ...] | None = None,
    ) -> None:
        self.org = org
        self.candidates = candidates
        self.condition_ids = condition_ids
        self.fails = fails
        self.unknown = unknown
        self.decided = decided
        self.parties = parties
        failing = undecided = 0
        for mask in fails:
            failing |= mask
        for mask in unknown:
            undecided |= mask
        self.eligible, self.undetermined, self.blocked = combine_masks(
            candidates, failing, undecided, decided[1], decided[2]
        )
        # Condition-id tuples by signature (bit k = condition k), shared by every row that has it.
        self._names: dict[int, tuple[str, ...]] = {}
        self._plans: dict[int, Parties] = {}

    def mask(self, verdict: str) -> int:
        """The candidates with ``verdict`` (0 for ``member``: members are not swept)."""
        if verdict == "blocked":
            return self.blocked
        if verdict == "undetermined":
            return self.undetermined
        return self.eligible if verdict == "eligible" else 0

    def verdict_of(self, i: int) -> VerdictName | None:
        if not self.candidates >> i & 1:
            return None
        return "blocked" if self.blocked >> i & 1 else "undetermined" if self.undetermined >> i & 1 else "eligible"

    def row(self, i: int, codes: Sequence[str]) -> MatrixRow | None:
        """The row of state ``i``, or None when it was not swept here (a member, not chosen...)."""
        if not self.candidates >> i & 1:
            return None
        sig = 0
        for k, mask in enumerate(self.fails):
            if mask >> i & 1:
                sig |= 1 << k
        if sig:
            return self._blocked_row(i, sig, codes)
        usig = 0
        for k, mask in enumerate(self.unknown):
            if mask >> i & 1:
                usig |= 1 << k
        return self._open_row(i, usig, codes)

    def rows(self, codes: Sequence[str], within: int | None = None) -> Iterator[MatrixRow]:
        """Rows in state order (of the candidates in ``within`` only, when given).

        Signatures are built per condition from its masks, so the work is proportional to the
        failures, not states x conditions.
        """
        chosen = self.candidates if within is None else self.candidates & within
        signature: dict[int, int] = {}
        for k, mask in enumerate(self.fails):
            for i in bits(mask & chosen):
                signature[i] = signature.get(i, 0) | 1 << k
        # The rest by decision outcome and unknown conditions, looked up per row in dicts: testing
        # a bit of a wide integer per row costs more than these passes over the set bits.
        outcome: dict[int, str] = {}
        for name, mask in zip(_OUTCOMES, self.decided, strict=True):
            outcome.update(dict.fromkeys(bits(mask & chosen), name))
        open_signature: dict[int, int] = {}
        for k, mask in enumerate(self.unknown):
            for i in bits(mask & chosen):
                open_signature[i] = open_signature.get(i, 0) | 1 << k
        org, parties, names = self.org, self.parties is not None, self._names
        for i in bits(chosen):
            sig = signature.get(i)
            if sig:
                if parties:
                    yield self._blocked_row(i, sig, codes)
                else:
                    # The common row of a wide sweep, built inline: no evidence to work out.
                    yield MatrixRow(codes[i], org, "blocked", names.get(sig) or self._ids(sig))
                continue
            usig = open_signature.get(i, 0)
            decision = outcome[i]
            verdict: VerdictName = (
                "blocked" if decision == "fails" else "undetermined" if usig or decision == "unknown" else "eligible"
            )
            unknown = names.get(usig) if usig else ()
            yield MatrixRow(codes[i], org, verdict, (), {} if parties else None, unknown or self._ids(usig), decision)

    def _ids(self, sig: int) -> tuple[str, ...]:
        found = self._names.get(sig)
        if found is None:
            found = self._names[sig] = tuple(cid for k, cid in enumerate(self.condition_ids) if sig >> k & 1)
        return found

    def _blocked_row(self, i: int, sig: int, codes: Sequence[str]) -> MatrixRow:
        failing = self._ids(sig)
        who: dict[str, tuple[str, ...]] | None = None
        if self.parties is not None:
            mine = (codes[i],)
            who = {}
            for k, cid in enumerate(self.condition_ids):
                if sig >> k & 1:
                    fn = self._party(k)
                    who[cid] = mine if fn is None else tuple([codes[p] for p in bits(fn(i))])
        # Blocked whatever the tally says: the sweep never counted it.
        return MatrixRow(codes[i], self.org, "blocked", failing, who)

    def _party(self, k: int) -> Parties:
        if k not in self._plans:
            assert self.parties is not None
            self._plans[k] = self.parties[k]()
        return self._plans[k]

    def _open_row(self, i: int, usig: int, codes: Sequence[str]) -> MatrixRow:
        bit = 1 << i
        decision = next(o for o, mask in zip(_OUTCOMES, self.decided, strict=True) if mask & bit)
        verdict: VerdictName = (
            "blocked" if self.blocked & bit else "undetermined" if self.undetermined & bit else "eligible"
        )
        parties: dict[str, tuple[str, ...]] | None = {} if self.parties is not None else None
        return MatrixRow(codes[i], self.org, verdict, (), parties, self._ids(usig), decision)


class MatrixResult:
    """A sweep's verdicts, kept as one ``OrgColumn`` per organisation swept, in sweep order.

    ``rows`` is every row as a tuple, built on first read and kept; the other readers build only
    what they return. ``to_json`` and ``iter_json`` give the same text as ever, row by row.
    """

    __slots__ = ("_by_org", "_rows", "as_of", "codes", "columns", "index")

    def __init__(
        self,
        as_of: date,
        columns: Sequence[OrgColumn] = (),
        codes: Sequence[str] = (),
        index: Mapping[str, int] | None = None,
    ) -> None:
        self.as_of = as_of
        self.columns = tuple(columns)
        #: State codes by index, and indexes by code (the world's own, shared, not copied).
        self.codes = codes
        self.index: Mapping[str, int] = index if index is not None else {c: i for i, c in enumerate(codes)}
        self._rows: tuple[MatrixRow, ...] | None = None
        self._by_org: dict[str, OrgColumn] | None = None

    @property
    def rows(self) -> tuple[MatrixRow, ...]:
        """Every row, organisation by organisation, states in index order (built once)."""
        if self._rows is None:
            self._rows = tuple(self.iter_rows())
        return self._rows

    def iter_rows(self) -> Iterator[MatrixRow]:
        """Every row in ``rows`` order, built as it is read and kept by nobody."""
        if self._rows is not None:
            yield from self._rows
            return
        for column in self.columns:
            yield from column.rows(self.codes)

    def __len__(self) -> int:
        return sum(c.candidates.bit_count() for c in self.columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatrixResult):
            return NotImplemented
        return self.as_of == other.as_of and self.rows == other.rows

    def __hash__(self) -> int:
        return hash((self.as_of, self.rows))

    def __repr__(self) -> str:
        return f"MatrixResult(as_of={self.as_of!r}, rows={len(self)} in {len(self.columns)} organisations)"

    def column(self, org: str) -> OrgColumn | None:
        """The organisation's column, or None when it was not swept (no rules in force, not asked)."""
        if self._by_org is None:
            self._by_org = {c.org: c for c in self.columns}
        return self._by_org.get(org)

    def counts(self) -> dict[VerdictName, int]:
        """Rows per verdict, from the bitsets alone; verdicts no row has are left out."""
        out: dict[VerdictName, int] = {}
        for verdict in _VERDICTS:
            n = sum(c.mask(verdict).bit_count() for c in self.columns)
            if n:
                out[verdict] = n
        return out

    def verdict_of(self, state: str, org: str) -> VerdictName | None:
        """The verdict of one pair, or None when the sweep has no row for it (a member...)."""
        column, i = self.column(org), self.index.get(state)
        return column.verdict_of(i) if column is not None and i is not None else None

    def row_of(self, state: str, org: str) -> MatrixRow | None:
        """One pair's row, built alone, or None when the sweep has no row for it."""
        column, i = self.column(org), self.index.get(state)
        return column.row(i, self.codes) if column is not None and i is not None else None

    def where(self, verdict: str) -> Iterator[MatrixRow]:
        """The rows with ``verdict``, in ``rows`` order; only those are built."""
        for column in self.columns:
            mask = column.mask(verdict)
            if mask:
                yield from column.rows(self.codes, mask)

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "rows": [r.to_json() for r in self.iter_rows()]}

    def iter_json(self, *, separators: tuple[str, str] = (", ", ": "), ensure_ascii: bool = True) -> Iterator[str]:
        """``json.dumps(self.to_json())`` (with these options) as chunks of text, a row at a time.

        For a writer that streams: the whole answer is never held as one dict or one string.
        """
        encode = json.JSONEncoder(separators=separators, ensure_ascii=ensure_ascii, allow_nan=False).encode
        item, key = separators
        yield "{" + encode("as_of") + key + encode(self.as_of.isoformat()) + item + encode("rows") + key + "["
        first = True
        for row in self.iter_rows():
            yield encode(row.to_json()) if first else item + encode(row.to_json())
            first = False
        yield "]}"
