"""The analyst's report: every scenario's answers in one self-contained HTML file.

One file, nothing fetched: the style sheet and the drawings (timelines as SVG bands, matrices as
heatmap tables) are inline, and no script is needed to read it. It prints to PDF: each scenario
starts a page, and nothing depends on a dark background. Colour never carries meaning alone:
every band and cell says its verdict in words or a letter too, in the Okabe-Ito palette, which
colour-blind readers tell apart. Every text is escaped; only http and https URLs become links.

The sentences are the terminal's (``engine.rendering.markdown.memo``); this module draws.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from html import escape
from typing import Any

from engine.compiler.world import World
from engine.evaluation.bands import Band
from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.questions import KINDS
from engine.questions.earliest import EarliestResult
from engine.questions.impact import ImpactResult
from engine.questions.leverage import LeverageResult
from engine.questions.order import OrderResult
from engine.questions.timeline import TimelineResult
from engine.rendering.jsonout import flow
from engine.rendering.markdown import (
    LETTERS,
    Entry,
    beyond_horizon,
    event_text,
    fact_text,
    horizon_warning,
    memo,
    met,
    question_date,
    settle_lines,
    stage_rule,
    tally,
)
from engine.rendering.prose import event_phrase, name_of, org_called, plural, remedy_phrase
from engine.scenario import Answer

__all__ = ["RENDERERS", "linked", "render_report"]

#: A URL in a source text; a link is made of http and https ones only.
_URL = re.compile(r"https?://[^\s;,)\]<>\"']+")

#: Okabe-Ito: blocked vermillion, undetermined orange, eligible bluish green, member blue.
_COLOURS = {"blocked": "#D55E00", "undetermined": "#E69F00", "eligible": "#009E73", "member": "#0072B2"}

_LEGEND = {"member": "member already (not evaluated)"}

_MARK = {"holds": "✓ holds", "fails": "✗ fails", "unknown": "? unknown"}

_STYLE = """
:root { --blocked: #D55E00; --undetermined: #E69F00; --eligible: #009E73; --member: #0072B2;
  --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d0d0d0; --tint: #f4f4f4; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 32px 64px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9em; margin: 0 0 .1em; }
h2 { font-size: 1.45em; margin: 0 0 .2em; padding-top: .4em; border-top: 3px solid var(--ink); }
h3 { font-size: 1.12em; margin: 0 0 .4em; display: flex; flex-wrap: wrap; gap: .3em .6em; align-items: baseline; }
h4 { font-size: .95em; margin: 1em 0 .2em; }
section.scenario { margin-top: 2.6em; }
article.question { margin: 1.6em 0 0; padding-top: .9em; border-top: 1px solid var(--rule); }
.meta, .when { color: var(--muted); font-size: .88em; font-weight: normal; }
.description { max-width: 80ch; }
.memo { max-width: 82ch; margin: .3em 0 .6em; }
ul.memo { padding-left: 1.2em; }
code, .codes { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
.codes { color: var(--muted); }
a { color: #0b5394; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: .86em; width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .28em .5em; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .2em 0; caption-side: top; }
time { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td ul { margin: 0; padding-left: 1.1em; }
.v { display: inline-block; padding: 0 .45em; border-radius: 3px; font-weight: 700; font-size: .8em;
  letter-spacing: .04em; text-transform: uppercase; border: 1px solid transparent; }
.v-blocked, .c-B { background: var(--blocked); color: #fff; }
.v-undetermined, .c-U { background: var(--undetermined); color: #000; }
.v-eligible, .c-E { background: var(--eligible); color: #000; }
.v-member, .c-M { background: var(--member); color: #fff; }
.o-holds, .o-fails, .o-unknown { white-space: nowrap; }
table.compact { width: auto; min-width: 40%; }
table.decision td:nth-child(2) { min-width: 11em; }
.o-fails { color: #a8440a; font-weight: 600; } .o-unknown { color: #8a5a00; } .o-holds { color: #00694d; }
.warn { border-left: 4px solid var(--undetermined); background: #fff6e0; padding: .4em .8em; max-width: 82ch; }
.expect { font-weight: 600; margin: .6em 0 0; }
.expect.met { color: #00694d; } .expect.unmet { color: #a8440a; }
.heatmap { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: flex-start; margin: .4em 0 .8em; }
table.hm { width: auto; margin: 0; font-size: .78em; }
table.hm th { padding: .05em .4em; border: 0; font-family: ui-monospace, Menlo, Consolas, monospace; }
table.hm td { text-align: center; font-weight: 700; min-width: 2.1em; padding: .05em .3em; border: 1px solid #fff; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3em 1.2em; font-size: .86em; }
ul.legend span { display: inline-block; width: 1.7em; text-align: center; font-weight: 700; margin-right: .3em; }
svg.timeline { display: block; width: 100%; height: auto; margin: .4em 0 .6em; }
svg.timeline text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 12px; }
details > summary { cursor: pointer; color: var(--muted); font-size: .88em; }
nav.contents table { font-size: .88em; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.scenario { break-before: page; margin-top: 0; }
  h2, h3, h4, caption { break-after: avoid; }
  tr, svg, .heatmap table { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
  .v { background: #fff; border-color: currentColor; }
  .v-blocked { color: var(--blocked); } .v-undetermined { color: #9a6a00; }
  .v-eligible { color: #00694d; } .v-member { color: var(--member); }
  details > summary { display: none; }
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def linked(text: str) -> str:
    """Escaped text with every http(s) URL in it a link (nothing else ever becomes one)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".:'")
        out.append(_e(text[last : match.start()]))
        out.append(f'<a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>')
        last = match.start() + len(url)
    out.append(_e(text[last:]))
    return "".join(out)


def _day(day: date | str | None) -> str:
    """A date as the report shows it: never broken across lines."""
    if day is None:
        return "-"
    text = day if isinstance(day, str) else day.isoformat()
    return f'<time datetime="{_e(text)}">{_e(text)}</time>' if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else _e(text)


def _prose(text: str) -> str:
    """A sentence: escaped, its URLs links, its `backticked` ids and syntax code."""
    parts = re.split(r"`([^`\n]+)`", text)
    return "".join(f"<code>{_e(part)}</code>" if k % 2 else linked(part) for k, part in enumerate(parts))


def _badge(verdict: str) -> str:
    return f'<span class="v v-{_e(verdict)}">{_e(verdict)}</span>'


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"<code>{_e(i)}</code>" for i in ids) or "-"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "", cls: str = "") -> str:
    """A table whose cells are HTML already (callers escape); ``head`` and ``caption`` are text."""
    out = [f'<table class="{cls}">' if cls else "<table>"]
    if caption:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>")
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "".join(out)


def _memo(lines: Sequence[str]) -> str:
    """The terminal's sentences: an unindented line a paragraph, indented ones nested lists under it."""
    out: list[str] = []
    depth = 0  # lists open, each with its last item open
    for line in lines:
        level = (len(line) - len(line.lstrip())) // 2
        if level == 0:
            out.append("</li></ul>" * depth + f'<p class="memo">{_prose(line.strip())}</p>')
        elif level > depth:
            out.append('<ul class="memo"><li>' * (level - depth) + _prose(line.strip()))
        else:
            out.append("</li></ul>" * (depth - level) + "</li><li>" + _prose(line.strip()))
        depth = level
    out.append("</li></ul>" * depth)
    return "".join(out)


def _sources(items: Iterable[str | None]) -> str:
    found = list(dict.fromkeys(s for s in items if s))
    if not found:
        return ""
    return "<ul>" + "".join(f"<li>{linked(s)}</li>" for s in found) + "</ul>" if len(found) > 1 else linked(found[0])


def _counted(codes: Sequence[str]) -> str:
    return f"{len(codes)}" + (f' <span class="codes">{_e(" ".join(codes))}</span>' if codes else "")


def _join(world: World, v: JoinVerdict, anchor: str) -> str:
    if v.verdict == "member":
        return ""
    conditions = (
        [
            f'<span class="o-{c.outcome}">{_e(_MARK[c.outcome])}</span>',
            f"<code>{_e(c.id)}</code>",
            _e(c.confidence or "-"),
            _e(c.text),
            "<ul>"
            + "".join(
                f"<li>{_e(fact_text(e))}" + (f" [{linked(e.source)}]" if e.source else "") + "</li>" for e in c.evidence
            )
            + "</ul>"
            if c.evidence
            else "-",
            linked(c.source) if c.source else "-",
        ]
        for c in v.conditions
    )
    out = [
        _table(["outcome", "condition", "confidence", "what it asks", "evidence", "source"], conditions, "Conditions")
    ]
    stages = (
        [
            _e(s.name.replace("_", " ")),
            _e(stage_rule(world, v, s)),
            _e(s.voters),
            _e(s.needed),
            _e(s.outcome),
            *(_counted(codes) for codes in tally(s)),
            _e(" ".join(s.vetoed_by)) or "-",
        ]
        for s in v.decision.stages
    )
    head = ["stage", "rule", "voters", "needed", "outcome", "support", "oppose", "abstain", "unknown", "vetoed by"]
    out.append(_table(head, stages, f"Decision: {v.decision.outcome}", "decision"))
    if v.remedies:
        remedies = (
            [
                _e(k),
                _e(" and ".join(remedy_phrase(world, ch) for ch in r.changes)),
                f"<code>{_e(flow(list(r.changes)))}</code>",
                _ids(r.lifts),
            ]
            for k, r in enumerate(v.remedies, 1)
        )
        out.append(_table(["#", "what to do", "as scenario changes", "lifts"], remedies, "Remedies"))
    if v.irremediable:
        out.append(f"<p>No change can lift {_ids(v.irremediable)}.</p>")
    if v.to_settle is not None:
        rows = [
            [
                "judgement",
                f"<code>{_e(j.condition)}</code>",
                _e(name_of(world, j.of)),
                "-",
                "-",
                f"<code>{_e(flow(j.change))}</code>",
            ]
            for j in v.to_settle.judgements
        ]
        rows += [
            [
                "positions",
                _e(s.stage.replace("_", " ")),
                _counted(s.voters),
                _e(s.support_needed),
                _e(" ".join(s.pivotal)) or "-",
                "-",
            ]
            for s in v.to_settle.stages
        ]
        out.append("<h4>To settle it</h4>" + _memo(["  " + line for line in settle_lines(world, v)]))
        out.append(_table(["what", "condition or stage", "whose", "support needed", "pivotal", "record"], rows))
    return "".join(out)


def _heatmap(result: MatrixResult, rows_per_table: int = 30) -> str:
    """States by organisation, a coloured letter per cell; a state missing from a column is a member."""
    orgs = list(dict.fromkeys(r.org for r in result.rows))
    cells = {(r.state, r.org): r for r in result.rows}
    states = sorted({r.state for r in result.rows})
    tables = []
    for k in range(0, len(states), rows_per_table):
        body = []
        for state in states[k : k + rows_per_table]:
            row = [f'<th scope="row">{_e(state)}</th>']
            for org in orgs:
                found = cells.get((state, org))
                verdict = found.verdict if found is not None else "member"
                why = ""
                if found is not None and found.failing:
                    why = "; failing " + ", ".join(found.failing)
                elif found is not None and (found.unknown or found.decision == "unknown"):
                    why = "; open: " + ", ".join(
                        [*found.unknown, *(["the decision"] if found.decision == "unknown" else [])]
                    )
                title = f"{state}, {org}: {verdict}{why}"
                row.append(f'<td class="c-{LETTERS[verdict]}" title="{_e(title)}">{LETTERS[verdict]}</td>')
            body.append("<tr>" + "".join(row) + "</tr>")
        head = "<tr><th>state</th>" + "".join(f"<th>{_e(o)}</th>" for o in orgs) + "</tr>"
        tables.append(f'<table class="hm"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')
    legend = "".join(
        f'<li><span class="c-{letter}">{letter}</span>{_e(_LEGEND.get(verdict, verdict))}</li>'
        for verdict, letter in LETTERS.items()
    )
    return f'<ul class="legend">{legend}</ul><div class="heatmap">{"".join(tables)}</div>'


def _matrix(world: World, result: MatrixResult, anchor: str) -> str:
    if not result.rows:
        return "<p>No state to evaluate.</p>"
    rows = ([_e(r.state), _e(r.org), _badge(r.verdict), _ids(r.failing), _ids(r.unknown)] for r in result.rows)
    every = _table(["state", "org", "verdict", "failing", "unknown"], rows)
    return _heatmap(result) + f"<details open><summary>Every row ({len(result.rows)})</summary>{every}</details>"


def _order(world: World, result: OrderResult, anchor: str) -> str:
    out = []
    if result.conflicts:
        rows = ([_e(name_of(world, a)), _e(name_of(world, b)), _ids(why)] for a, b, why in result.conflicts)
        out.append(_table(["admitting first", "blocks", "because"], rows, "Who blocks whom", "compact"))
    width = max((len(o) for o in result.feasible), default=0)
    orders = ([_e(k), *(_e(c) for c in o)] for k, o in enumerate(result.feasible, 1))
    caption = f"{plural(result.orders, 'maximal order')}" + (
        f", {len(result.feasible)} listed" if result.orders > len(result.feasible) else ""
    )
    out.append(_table(["#", *(f"{k + 1}." for k in range(width))], orders, caption, "compact"))
    return "".join(out)


def _impact(world: World, result: ImpactResult, anchor: str) -> str:
    rows = [
        [
            _e(before.state),
            _e(before.org),
            _badge(before.verdict),
            _badge(after.verdict),
            _ids(before.failing),
            _ids(after.failing),
        ]
        for before, after in result.changed
    ]
    return _table(["state", "org", "before", "after", "failing before", "failing after"], rows) if rows else ""


def _leverage(world: World, result: LeverageResult, anchor: str) -> str:
    if not result.ranking:
        return ""
    rows = (
        [
            _e(k),
            _e(event_phrase(world, change, dated=False)),
            f"<code>{_e(flow(change))}</code>",
            _e(len(unlocks)),
            _e(", ".join(f"{s} to {o}" for s, o in unlocks)),
        ]
        for k, (change, unlocks) in enumerate(result.ranking, 1)
    )
    return _table(["#", "change", "as a scenario change", "unlocks", "accessions"], rows, "Ranking")


def _cited(world: World, events: Iterable[dict[str, Any]], on: str) -> str:
    return "; ".join(event_text(world, e, on) for e in events)


def _earliest(world: World, result: EarliestResult, anchor: str) -> str:
    day = result.found.isoformat() if result.found else "never"
    because = _prose(_cited(world, result.events, day)) or (
        _e(f"the rules in force from {result.rules_from.isoformat()}") if result.rules_from else "-"
    )
    row = [
        _day(result.start),
        _e(result.target.replace("_", " ")),
        _day(day),
        _badge(result.verdict) if result.verdict else "-",
        because,
        _sources(e.get("source") for e in result.events) or "-",
        _ids(result.failing_at_start),
    ]
    return _table(["from", "target", "date", "verdict", "because", "sources", "failing on the first day"], [row])


# The timeline's drawing, in the SVG's own units (it scales to the page's width).
_W, _PAD, _BAR, _LANE, _CHAR = 960, 14, 30, 16, 7.0


def _lanes(items: Sequence[tuple[float, str]]) -> list[tuple[float, int, float]]:
    """Place labels centred at x in rows so none overlaps: (left x, lane, width) for each."""
    ends: list[float] = []
    placed = []
    for x, label in items:
        width = len(label) * _CHAR
        left = min(max(x - width / 2, _PAD), _W - _PAD - width)
        lane = next((k for k, end in enumerate(ends) if left > end + 8), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = left + width
        placed.append((left, lane, width))
    return placed


def _band_label(band: Band) -> str:
    return band.verdict + (f" ({', '.join(band.failing)})" if band.failing else "")


def _markers(world: World, result: TimelineResult, x: Callable[[date], float], y: float) -> list[str]:
    """A filled diamond where events began a band (its tooltip names them, with sources); a hollow
    circle where the bid's own events left the verdict as it was."""
    out = []
    for b in result.intervals[1:]:
        on = b.start.isoformat()
        cause = (
            "; ".join(event_text(world, e, on) + (f" ({e['source']})" if "source" in e else "") for e in b.because)
            or f"the rules in force from {b.rules_from.isoformat()}"
        )
        out.append(
            f'<path d="M{x(b.start):.1f},{y - 6} l6,6 l-6,6 l-6,-6 z" fill="#000" class="marker">'
            f"<title>{_e(on)}: {_e(cause)}</title></path>"
        )
    meanwhile: dict[str, list[dict[str, Any]]] = {}
    for b in result.intervals:
        for event in b.within:
            meanwhile.setdefault(str(event.get("on") or event.get("from") or ""), []).append(event)
    for on, events in meanwhile.items():
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", on):
            continue
        said = "; ".join(event_phrase(world, e, on, dated=False) for e in events)
        out.append(
            f'<circle cx="{x(date.fromisoformat(on)):.1f}" cy="{y}" r="3.5" fill="#fff" stroke="#000"'
            f' stroke-width="1.2"><title>{_e(on)}, meanwhile (the verdict stays): {_e(said)}</title></circle>'
        )
    return out


def _timeline_svg(world: World, result: TimelineResult, anchor: str) -> str:
    """Bands coloured and labelled by verdict, every boundary dated, the events that began each as markers."""
    total = max((result.until - result.start).days, 1)

    def x(day: date) -> float:
        return _PAD + (_W - 2 * _PAD) * min(max((day - result.start).days, 0), total) / total

    bands = [(b, x(b.start), x(b.end or result.until)) for b in result.intervals]
    # A label goes inside its band when it fits, else above it, on a leader line.
    inside = [(b, a, z) for b, a, z in bands if len(_band_label(b)) * _CHAR + 10 < z - a]
    outside = [(b, a, z) for b, a, z in bands if all(b is not i for i, _, _ in inside)]
    above = _lanes([((a + z) / 2, _band_label(b)) for b, a, z in outside])
    lanes_above = max((lane + 1 for _, lane, _ in above), default=0)
    top = 6 + lanes_above * _LANE + (8 if lanes_above else 0)
    bottom = top + _BAR
    out: list[str] = []
    for (b, a, z), (left, lane, _) in zip(outside, above, strict=True):
        base, mid = 2 + (lane + 1) * _LANE, (a + z) / 2
        out.append(f'<line x1="{mid:.1f}" y1="{base + 3}" x2="{mid:.1f}" y2="{top}" stroke="#777" stroke-width="0.8"/>')
        out.append(f'<text x="{left:.1f}" y="{base}">{_e(_band_label(b))}</text>')
    for b, a, z in bands:
        tip = f"{b.start.isoformat()} until {(b.end or result.until).isoformat()}: {b.verdict}"
        tip += (f"; failing {', '.join(b.failing)}" if b.failing else "") + (
            f"; unknown {', '.join(b.unknown)}" if b.unknown else ""
        )
        out.append(
            f'<rect x="{a:.1f}" y="{top}" width="{max(z - a, 1.5):.1f}" height="{_BAR}" fill="{_COLOURS[b.verdict]}"'
            f' stroke="#fff" stroke-width="1"><title>{_e(tip)}</title></rect>'
        )
    edges = [result.start, *(b.start for b in result.intervals[1:]), result.until]
    dates = [(x(day), day.isoformat()) for day in edges]
    horizon = world.facts.horizon
    if horizon is not None and result.start < horizon < result.until:
        # Past the horizon the bands are paler: what they show rests on facts nobody has checked.
        hx, tip = x(horizon), f"after {horizon.isoformat()}: facts not known (the world's horizon)"
        out.append(
            f'<rect x="{hx:.1f}" y="{top}" width="{x(result.until) - hx:.1f}" height="{_BAR}" fill="#fff"'
            f' fill-opacity="0.45"><title>{_e(tip)}</title></rect>'
            f'<line x1="{hx:.1f}" y1="{top - 4}" x2="{hx:.1f}" y2="{bottom + 16}" stroke="#000"'
            ' stroke-dasharray="3 3"/>'
        )
        dates.append((hx, f"horizon {horizon.isoformat()}"))
    for b, a, z in inside:
        colour = "#fff" if b.verdict in ("blocked", "member") else "#000"
        out.append(
            f'<text x="{(a + z) / 2:.1f}" y="{top + _BAR / 2 + 4}" text-anchor="middle" fill="{colour}"'
            f' font-weight="600">{_e(_band_label(b))}</text>'
        )
    out += [f'<line x1="{x(d):.1f}" y1="{top}" x2="{x(d):.1f}" y2="{bottom + 16}" stroke="#333"/>' for d in edges]
    out += _markers(world, result, x, bottom + 9)
    placed = _lanes(dates)
    for (_, label), (left, lane, _) in zip(dates, placed, strict=True):
        out.append(f'<text x="{left:.1f}" y="{bottom + 30 + lane * _LANE}">{_e(label)}</text>')
    height = bottom + 30 + max((lane for _, lane, _ in placed), default=0) * _LANE + 8
    who = f"{name_of(world, result.state)} and {org_called(world, result.org)}"
    title = f"{who}: the verdict from {edges[0]} until {edges[-1]}"
    return (
        f'<svg class="timeline" viewBox="0 0 {_W} {height:.0f}" role="img" aria-labelledby="{anchor}-svg"'
        f' xmlns="http://www.w3.org/2000/svg"><title id="{anchor}-svg">{_e(title)}</title>{"".join(out)}</svg>'
    )


def _meanwhile(world: World, events: Sequence[dict[str, Any]]) -> str:
    """The bid's own events inside an interval: listed when few, counted when many (the circles name each)."""
    if len(events) <= 3:
        return "; ".join(event_phrase(world, e, str(e.get("on") or "")) for e in events)
    first, last = events[0].get("on"), events[-1].get("on")
    return f"{plural(len(events), 'event')} of the bid itself, from {first} to {last}"


def _timeline(world: World, result: TimelineResult, anchor: str) -> str:
    rows = []
    for b in result.intervals:
        on = b.start.isoformat()
        because = _prose(_cited(world, b.because, on)) or "-"
        if b.within:
            because += "<br><small>meanwhile (the verdict stays): " + _e(_meanwhile(world, b.within)) + "</small>"
        rows.append(
            [
                _day(on),
                _day(b.end or result.until),
                _badge(b.verdict),
                _ids(b.failing),
                _ids(b.unknown),
                because,
                _sources(e.get("source") for e in b.because) or "-",
            ]
        )
    table = _table(["from", "until", "verdict", "failing", "unknown", "because", "sources"], rows, "Intervals")
    return _timeline_svg(world, result, anchor) + table


#: Each kind's drawings and tables; every registered kind has one (checked at import).
RENDERERS: dict[str, Callable[[World, Any, str], str]] = {
    "join": _join,
    "matrix": _matrix,
    "order": _order,
    "impact": _impact,
    "leverage": _leverage,
    "earliest": _earliest,
    "timeline": _timeline,
}
assert RENDERERS.keys() == KINDS.keys(), "every question kind needs an HTML renderer"


def _answer(world: World, answer: Answer, result: Any, anchor: str) -> str:
    head = f'<h3 id="{anchor}"><span>{_e(answer.id)}</span> <span class="meta">{_e(answer.kind)}</span>'
    if result is not None:
        if answer.kind == "join":
            head += _badge(result.verdict)
        head += f' <span class="when">{_e(question_date(answer.kind, result))}</span>'
    out = [f'<article class="question">{head}</h3>']
    if result is not None:
        out.append(_memo(memo(world, answer.kind, result)))
        if answer.kind != "join" and beyond_horizon(world, answer.kind, result):
            out.append(f'<p class="warn">{_e(horizon_warning(world))}</p>')
        out.append(RENDERERS[answer.kind](world, result, anchor))
    if answer.expect is not None:
        ok = bool(answer.expect["passed"])
        out.append(
            f'<p class="expect {"met" if ok else "unmet"}">{"Expectation met" if ok else "Expectation NOT met"}</p>'
        )
        if answer.expect["mismatches"]:
            out.append("<ul>" + "".join(f"<li>{_e(m)}</li>" for m in answer.expect["mismatches"]) + "</ul>")
    out.append("</article>")
    return "".join(out)


def _expectations(done: int, expected: int) -> str:
    if not expected:
        return "no expectations"
    return f"{done} of {plural(expected, 'expectation')} met"


def render_report(entries: Iterable[Entry], generated: date) -> str:
    """The report of every scenario, as one HTML document; ``generated`` is the date it is dated."""
    entries = list(entries)
    revisions = sorted({e.result.evaluated_on.revision for e in entries if e.result.evaluated_on is not None})
    title = entries[0].result.title if len(entries) == 1 else plural(len(entries), "scenario")
    contents = []
    sections = []
    for n, entry in enumerate(entries, 1):
        result = entry.result
        world = result.evaluated_on
        assert world is not None
        done, expected = met(result)
        anchor = f"s{n}"
        contents.append(
            [
                f'<a href="#{anchor}">{_e(result.title)}</a>',
                f"<code>{_e(entry.file)}</code>",
                _day(result.as_of),
                _e(", ".join(a.id for a in result.answers)),
                _e(_expectations(done, expected)),
            ]
        )
        meta = (
            f"<code>{_e(entry.file)}</code> · world <code>{_e(result.world)}</code> · revision "
            f"<code>{_e(world.revision)}</code> · as of {_e(result.as_of.isoformat())}"
            f" · {_e(_expectations(done, expected))}"
        )
        if world.facts.horizon is not None:
            meta += f" · facts checked until {_e(world.facts.horizon.isoformat())}"
        body = [f'<section class="scenario" id="{anchor}"><h2>{_e(result.title)}</h2><p class="meta">{meta}</p>']
        if entry.description:
            body.append(f'<p class="description">{_prose(entry.description)}</p>')
        for k, answer in enumerate(result.answers, 1):
            body.append(_answer(world, answer, result.verdicts.get(answer.id), f"{anchor}-q{k}"))
        body.append("</section>")
        sections.append("".join(body))
    table = _table(["scenario", "file", "as of", "questions", "expectations"], contents)
    header = (
        f'<header><h1>Accession report</h1><p class="meta">accede · generated {_e(generated.isoformat())} · '
        f"{_e(plural(len(entries), 'scenario'))} · world revision {_e(', '.join(revisions))}</p>"
        + (f'<nav class="contents">{table}</nav>' if len(entries) > 1 else "")
        + "</header>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · accede report</title><style>{_STYLE}</style></head>"
        f"<body>{header}<main>{''.join(sections)}</main></body></html>\n"
    )
