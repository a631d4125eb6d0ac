"""The analyst's page at ``/``, driven in a real browser against the real service.

Each test checks that the picture says what the engine's JSON says (never a second opinion), and
writes a screenshot under ``build/screenshots/``. They skip, saying why, without Debian's chromium.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, Service, Visit
from tests.paths import ROOT

if not CHROMIUM.exists():
    REASON = f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium); it is missing"
    print(f"tests/browser skipped: {REASON}", file=sys.stderr)
    pytest.skip(REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install -e '.[dev]')")

#: How the page words the change `{establish: [ARM, PAK]}` (an en dash between the two).
ESTABLISH = "establish relations Armenia\u2013Pakistan"
VIEWS = ("ask", "whatif", "timeline", "matrix", "order")
#: What each view's output carries once it has drawn an answer.
DRAWN = {
    "ask": "#ask-out article",
    "whatif": "#whatif-out[data-changes]",
    "timeline": "#timeline-out[data-from]",
    "matrix": "#matrix-out[data-as-of]",
    "order": "#order-out[data-as-of]",
}


def open_view(visit: Visit, view: str) -> None:
    visit.page.click(f"#tab-{view}")
    visit.page.wait_for_selector(f"#view-{view}:not([hidden]) {DRAWN[view]}")


def ask(visit: Visit, state: str, org: str, as_of: str, trust: str = "low") -> Any:
    page = visit.page
    page.fill("#ask-form input[name=state]", state)
    page.fill("#ask-form input[name=org]", org)
    page.fill("#ask-form input[name=as_of]", as_of)
    page.select_option("#ask-form select[name=trust]", trust)
    page.click("#ask-form button[type=submit]")
    return page.wait_for_selector(f"#ask-out[data-as-of='{as_of}'][data-trust='{trust}'] article .memo")


def test_the_page_loads_with_no_error_and_no_request_to_another_host(
    visit: Visit, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    page = visit.page
    for view in VIEWS:
        open_view(visit, view)
    visit.shot("load-every-view")
    assert visit.errors == []
    assert visit.foreign() == []
    assert {"/", "/page/page.js", "/page/page.css", "/v1/names", "/v1/scenarios/run", "/v1/explain"} <= {
        u.removeprefix(visit.base).split("?")[0] for u in visit.requests
    }
    # The browser is told the same: the page may load and call its own origin only.
    response = page.request.get(visit.base + "/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    # Every answer's revision is in the footer.
    revision = service.get("/healthz")["revision"]
    assert page.get_attribute("#revision code", "data-revision") == revision
    timing = page.evaluate(
        """() => ({
            first_answer: performance.getEntriesByName('accede:first-answer')[0].startTime,
            first_paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
            dom_ready: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        })"""
    )
    with capsys.disabled():
        print(
            f"\nfirst render on loopback: first contentful paint {timing['first_paint']:.0f} ms, "
            f"DOM ready {timing['dom_ready']:.0f} ms, first verdict drawn {timing['first_answer']:.0f} ms"
        )
    assert timing["first_answer"] < 5000


def test_asking_armenia_and_the_sco_before_tianjin_is_blocked_naming_pakistan(visit: Visit, service: Service) -> None:
    page = visit.page
    ask(visit, "Armenia", "SCO", "2025-08-30")
    article = page.locator("#ask-out article")
    expected = service.post(
        "/v1/scenarios/run",
        {"scenario": "x", "as_of": "2025-08-30", "questions": [{"id": "j", "join": {"state": "ARM", "org": "SCO"}}]},
    )["results"][0]
    assert article.get_attribute("data-verdict") == expected["verdict"] == "blocked"
    assert article.locator(".verdict").inner_text().strip().endswith("BLOCKED")
    assert "Pakistan" in article.locator(".memo").inner_text()
    relations = article.locator("tr[data-condition='sco.relations']")
    assert relations.get_attribute("data-outcome") == "fails"
    assert "Pakistan" in relations.inner_text()
    outcomes = {c["id"]: c["outcome"] for c in expected["conditions"]}
    drawn = {
        row.get_attribute("data-condition"): row.get_attribute("data-outcome")
        for row in article.locator("tr[data-condition]").all()
    }
    assert drawn == outcomes
    # Sources are links that open apart from the page; the remedy and the tally are shown.
    links = article.locator(".source a")
    assert links.count() > 0
    for link in links.all():
        assert "noopener" in (link.get_attribute("rel") or "")
        assert (link.get_attribute("href") or "").startswith(("http://", "https://"))
    assert ESTABLISH in article.locator(".remedies").inner_text()
    assert article.locator(".stage[data-stage=consensus]").count() == 1
    visit.shot("ask")
    assert visit.errors == []


def test_trust_medium_leaves_out_the_objection_reported_by_one_side(visit: Visit) -> None:
    ask(visit, "ARM", "SCO", "2025-09-02", trust="low")
    assert visit.page.get_attribute("#ask-out article", "data-verdict") == "blocked"
    assert "Pakistan opposes" in visit.page.inner_text("#ask-out .memo")
    ask(visit, "ARM", "SCO", "2025-09-02", trust="medium")
    assert visit.page.get_attribute("#ask-out article", "data-verdict") == "undetermined"


def test_establishing_relations_with_pakistan_in_what_if_lifts_the_block(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    open_view(visit, "whatif")
    page.fill("#whatif-form input[name=state]", "Armenia")
    page.fill("#whatif-form input[name=org]", "SCO")
    page.fill("#whatif-form input[name=as_of]", "2025-08-30")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_selector("#whatif-out[data-as-of='2025-08-30'][data-changes='0']")
    assert page.get_attribute("#whatif-changed article", "data-verdict") == "blocked"
    page.select_option("#change-form select[name=verb]", "establish")
    page.fill("#change-form input[name=a]", "ARM")
    page.fill("#change-form input[name=b]", "Pakistan")
    page.click("#change-form button[type=submit]")
    page.wait_for_selector("#whatif-out[data-as-of='2025-08-30'][data-changes='1']")
    assert page.locator("#changes li").inner_text().startswith(ESTABLISH)
    assert page.get_attribute("#whatif-baseline article", "data-verdict") == "blocked"
    assert page.get_attribute("#whatif-changed article", "data-verdict") not in ("blocked", None)
    assert page.get_attribute("#whatif-flip", "data-flipped") == "true"
    # The scenario the page writes reproduces the what-if: `accede test` runs it and it passes.
    page.click("#copy-yaml")
    page.wait_for_function("() => document.querySelector('#copy-status').textContent.length > 0")
    text = page.input_value("#yaml")
    assert "{establish: [ARM, PAK]}" in text
    scenario = tmp_path / "what-if.yaml"
    scenario.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "engine.cli", "test", str(scenario)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 0 failed" in run.stdout
    visit.shot("whatif")
    assert visit.errors == []


def test_the_armenia_timeline_shows_its_boundary_on_2025_08_31(visit: Visit, service: Service) -> None:
    page = visit.page
    open_view(visit, "timeline")
    page.fill("#timeline-form input[name=state]", "Armenia")
    page.fill("#timeline-form input[name=org]", "SCO")
    page.fill("#timeline-form input[name=from]", "2024-01-01")
    page.fill("#timeline-form input[name=until]", "2026-01-01")
    page.click("#timeline-form button[type=submit]")
    page.wait_for_selector("#timeline-out[data-from='2024-01-01'][data-until='2026-01-01']")
    spec = {"state": "ARM", "org": "SCO", "from": "2024-01-01", "until": "2026-01-01"}
    expected = service.post(
        "/v1/scenarios/run", {"scenario": "x", "as_of": "2024-01-01", "questions": [{"id": "t", "timeline": spec}]}
    )["results"][0]["intervals"]
    chart = page.locator("#timeline-chart")
    bands = [(b.get_attribute("data-from"), b.get_attribute("data-verdict")) for b in chart.locator(".band").all()]
    assert bands == [(iv["from"], iv["verdict"]) for iv in expected]
    markers = [m.get_attribute("data-date") for m in chart.locator(".marker-group").all()]
    assert markers == [iv["from"] for iv in expected[1:]]
    assert "2025-08-31" in markers
    assert chart.locator("text.marker-label", has_text="2025-08-31").count() == 1
    # The flipping event and its source are in the marker's tooltip.
    tooltip = chart.locator(".marker-group[data-date='2025-08-31'] > title").text_content() or ""
    assert ESTABLISH in tooltip
    assert "pakistantoday.com.pk" in tooltip
    visit.shot("timeline")
    assert visit.errors == []


def test_the_heatmap_has_one_cell_per_row_of_the_matrix(visit: Visit, service: Service) -> None:
    page = visit.page
    open_view(visit, "matrix")
    page.fill("#matrix-form input[name=as_of]", "2025-08-30")
    page.click("#matrix-form button[type=submit]")
    page.wait_for_selector("#matrix-out[data-as-of='2025-08-30']")
    rows = service.get("/v1/matrix?as_of=2025-08-30")["rows"]
    cells = page.eval_on_selector_all(
        "#heatmap td.cell",
        "cells => cells.map(c => [c.dataset.state, c.dataset.org, c.dataset.verdict, c.textContent])",
    )
    assert len(cells) == len(rows)
    assert sorted((s, o, v) for s, o, v, _ in cells) == sorted((r["state"], r["org"], r["verdict"]) for r in rows)
    glyph = {"blocked": "B", "undetermined": "U", "eligible": "E"}
    assert all(text == glyph[v] for _, _, v, text in cells)
    # The failing conditions are in the cell's title.
    armenia = page.locator("#heatmap td.cell[data-state=ARM][data-org=SCO]")
    assert "sco.relations" in (armenia.get_attribute("title") or "")
    # Filters: a region keeps its states only; a verdict fades every other cell.
    page.select_option("#matrix-region", "Europe")
    regions = page.eval_on_selector_all("#heatmap tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.region)")
    assert regions
    assert set(regions) == {"Europe"}
    page.select_option("#matrix-verdict", "undetermined")
    shown = page.eval_on_selector_all(
        "#heatmap tbody tr:not([hidden]) td.cell:not(.faded)", "cells => cells.map(c => c.dataset.verdict)"
    )
    assert shown
    assert set(shown) == {"undetermined"}
    visit.shot("matrix")
    page.select_option("#matrix-region", "")
    page.select_option("#matrix-verdict", "")
    # Enter on a cell asks about its pair.
    armenia.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(
        "#view-ask:not([hidden]) #ask-out article[data-state=ARM][data-org=SCO][data-as-of='2025-08-30']"
    )
    assert page.get_attribute("#ask-out article", "data-verdict") == "blocked"
    assert visit.errors == []


def test_one_organisation_over_time_draws_the_history_json(visit: Visit, service: Service) -> None:
    page = visit.page
    open_view(visit, "matrix")
    page.fill("#history-form input[name=org]", "NATO")
    page.fill("#history-form input[name=from]", "2020")
    page.fill("#history-form input[name=until]", "2025")
    page.click("#history-form button[type=submit]")
    page.wait_for_selector("#history-out[data-org=NATO]")
    data = service.get("/v1/history?org=NATO&from=2020&until=2025")
    shown = page.eval_on_selector_all(
        "#history-heatmap td[data-state]",
        "cells => cells.map(c => [c.dataset.state, c.dataset.year, c.dataset.verdict])",
    )
    expected = [
        (row["state"], str(year), verdict)
        for row in data["rows"]
        for year, verdict in zip(data["years"], row["verdicts"], strict=True)
        if verdict not in ("none", "gone")
    ]
    assert sorted(map(tuple, shown)) == sorted(expected), "one lettered cell per state and year, as the JSON says"
    finland = {y: v for s, y, v in shown if s == "FIN"}
    assert (finland["2023"], finland["2024"]) == ("blocked", "member")  # member from 2023-04-04
    visit.shot("matrix-over-time")
    page.click("#history-heatmap td.cell[data-state=SWE][data-year='2023']")
    assert page.get_attribute("#ask-out article", "data-verdict") == "blocked"


def test_the_conflict_graph_and_the_leverage_ranking_draw_the_json(visit: Visit, service: Service) -> None:
    page = visit.page
    open_view(visit, "order")
    page.fill("#order-form input[name=org]", "SCO")
    page.fill("#order-form input[name=applicants]", "Armenia, Azerbaijan, TUR")
    page.fill("#order-form input[name=as_of]", "2025-09-02")
    page.click("#order-form button[type=submit]")
    page.wait_for_selector("#order-out[data-as-of='2025-09-02']")
    questions = [
        {"id": "o", "order": {"org": "SCO", "applicants": ["ARM", "AZE", "TUR"]}},
        {"id": "l", "leverage": {"orgs": ["SCO"], "limit": 12}},
    ]
    order, leverage = service.post(
        "/v1/scenarios/run", {"scenario": "x", "as_of": "2025-09-02", "questions": questions}
    )["results"]
    edges = page.eval_on_selector_all("#order-graph .conflict", "es => es.map(e => [e.dataset.first, e.dataset.then])")
    assert sorted(edges) == sorted([c["first"], c["then"]] for c in order["conflicts"])
    assert page.locator("#order-graph .node").count() == 3
    bars = page.eval_on_selector_all("#leverage li", "ls => ls.map(l => Number(l.dataset.unlocks))")
    assert bars == [len(e["unlocks"]) for e in leverage["ranking"]]
    visit.shot("order")
    assert visit.errors == []


TAB_STOPS = """() => {
    const visible = (el) => el.getClientRects().length > 0 && !el.closest('[hidden]');
    const all = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'));
    const stops = all.filter((el) => el.tabIndex >= 0 && !el.disabled && visible(el));
    stops.forEach((el, i) => { el.dataset.tabStop = String(i); });
    return stops.length;
}"""
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return [el.dataset.tabStop ?? null, style.outlineStyle !== 'none' || style.boxShadow !== 'none'];
}"""


@pytest.mark.parametrize("view", VIEWS)
def test_tab_reaches_every_control_with_a_visible_focus(visit: Visit, view: str) -> None:
    page = visit.page
    # The view is opened from the keyboard: its tab, then Enter.
    page.focus(f"#tab-{view}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#view-{view}:not([hidden]) {DRAWN[view]}")
    count = page.evaluate(TAB_STOPS)
    page.evaluate("document.activeElement.blur()")
    reached: set[str] = set()
    unmarked: list[str] = []
    for _ in range(count * 4 + 20):  # a date input takes a Tab per part
        page.keyboard.press("Tab")
        stop, marked = page.evaluate(FOCUSED)
        if stop is not None:
            reached.add(stop)
            if not marked:
                unmarked.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
        if len(reached) == count:
            break
    missing = page.eval_on_selector_all(
        "[data-tab-stop]",
        "(els, reached) => els.filter(e => !reached.includes(e.dataset.tabStop)).map(e => e.outerHTML.slice(0, 80))",
        sorted(reached),
    )
    assert missing == []
    assert unmarked == []
    visit.shot(f"tab-{view}")


@pytest.mark.parametrize("view", VIEWS)
def test_the_phone_layout_has_no_horizontal_scroll(phone: Visit, view: str) -> None:
    open_view(phone, view)
    widths = phone.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 375
    phone.shot(f"phone-{view}", full_page=True)
    assert phone.errors == []
