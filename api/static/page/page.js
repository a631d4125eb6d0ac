// accede's page: every picture is drawn from the service's own answers.
//
// Each view asks POST /v1/scenarios/run the questions it needs (join, timeline, matrix, order,
// leverage) and draws the JSON it gets; names come from GET /v1/names and GET /v1/organizations,
// memo sentences from POST /v1/explain. Nothing is computed here that the engine decides, and
// nothing is loaded from another host. Plain JavaScript, no framework, no build step.
'use strict';

(() => {
  const GLYPH = { blocked: 'B', undetermined: 'U', eligible: 'E', member: 'M' };
  const OUTCOME = { holds: '✓ holds', fails: '✗ fails', unknown: '? unknown' };
  const STAGE_OUTCOME = { passes: '✓ passes', fails: '✗ fails', unknown: '? unknown' };
  const URL_RE = /https?:\/\/[^\s;,)\]]+/g;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const world = {
    states: new Map(), // code -> {code, alpha2, name, aliases, region}
    orgs: new Map(), // code -> {code, name, aliases, called, statuses}
    keys: [], // [{key, read_by}]
    stateLookup: new Map(), // folded name, alias, code or alpha-2 -> code
    orgLookup: new Map(),
  };
  const whatif = { changes: [], yaml: '' };
  const shown = new Set(); // views already answered once

  // ---- DOM helpers: elements are built, never parsed from strings ----

  function put(node, props) {
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function add(node, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : String(kid));
    }
    return node;
  }

  function h(tag, props, ...kids) {
    const node = document.createElement(tag);
    put(node, props);
    return add(node, kids);
  }

  function svg(tag, props, ...kids) {
    const node = document.createElementNS(SVG_NS, tag);
    put(node, props);
    return add(node, kids);
  }

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // Text with every URL in it a link that opens apart from the page.
  function linked(text) {
    const out = [];
    let last = 0;
    for (const m of String(text).matchAll(URL_RE)) {
      out.push(text.slice(last, m.index));
      out.push(h('a', { href: m[0], rel: 'noopener noreferrer', target: '_blank' }, m[0]));
      last = m.index + m[0].length;
    }
    out.push(String(text).slice(last));
    return out;
  }

  // ---- names ----

  const fold = (t) => String(t).normalize('NFKC').toLowerCase().trim();

  function learnNames(names, orgs) {
    for (const s of names.states) {
      world.states.set(s.code, s);
      for (const n of [s.name, ...s.aliases]) world.stateLookup.set(fold(n), s.code);
    }
    for (const s of names.states) {
      world.stateLookup.set(fold(s.code), s.code);
      if (s.alpha2) world.stateLookup.set(fold(s.alpha2), s.code);
    }
    for (const o of names.orgs) {
      world.orgs.set(o.code, { ...o, statuses: [] });
      for (const n of [o.name, ...o.aliases]) world.orgLookup.set(fold(n), o.code);
      world.orgLookup.set(fold(o.code), o.code);
    }
    for (const o of orgs) {
      const known = world.orgs.get(o.org);
      if (known) known.statuses = o.statuses;
    }
    world.keys = names.keys;
    const states = $('#state-names');
    for (const s of [...names.states].sort((a, b) => a.name.localeCompare(b.name))) {
      states.append(h('option', { value: s.name, label: [s.code, ...s.aliases].join(' · ') }));
    }
    const orgList = $('#org-names');
    for (const o of names.orgs) {
      orgList.append(h('option', { value: o.code, label: o.name }));
    }
    const keys = $('#change-form select[name=key]');
    for (const k of world.keys) {
      const readers = k.read_by.map((r) => r.condition).join(', ');
      keys.append(h('option', { value: k.key, title: readers }, `${k.key} (${readers})`));
    }
    const regions = [...new Set(names.states.map((s) => s.region))].sort();
    const region = $('#matrix-region');
    for (const r of regions) region.append(h('option', { value: r }, r));
  }

  // A code for what was typed; what the world does not know is sent as typed, so the engine says why.
  const stateCode = (text) => world.stateLookup.get(fold(text)) || String(text).trim();
  const orgCode = (text) => world.orgLookup.get(fold(text)) || String(text).trim();
  const stateName = (code) => (world.states.get(code) || {}).name || code;
  const orgName = (code) => (world.orgs.get(code) || {}).name || code;
  const named = (code) => `${stateName(code)} (${code})`;
  const words = (status) => String(status).replace(/_/g, ' ');

  // ---- the service ----

  class Problem extends Error {
    constructor(body, status) {
      super((body && (body.detail || body.title)) || `HTTP ${status}`);
      this.body = body;
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const started = performance.now();
    const init = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(path, init);
    const type = resp.headers.get('content-type') || '';
    const data = type.includes('json') ? await resp.json() : await resp.text();
    noteAnswer(method, path, resp, performance.now() - started);
    if (!resp.ok) throw new Problem(data, resp.status);
    return data;
  }

  function noteAnswer(method, path, resp, ms) {
    const revision = resp.headers.get('accede-revision') || 'unknown';
    const line = $('#revision');
    line.replaceChildren(
      'Answered on revision ',
      h('code', { 'data-revision': revision }, revision),
      ` · ${method} ${path.split('?')[0]} → ${resp.status} in ${Math.round(ms)} ms`,
      ` · request ${resp.headers.get('x-request-id') || '-'}`,
    );
    document.body.dataset.revision = revision;
  }

  function showProblem(err) {
    const box = $('#problem');
    if (!err) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const body = err.body && typeof err.body === 'object' ? err.body : {};
    const items = (body.errors || []).map((e) =>
      h('li', null, e.field ? h('code', null, e.field) : null, e.field ? ': ' : '', e.message || e.code),
    );
    box.replaceChildren(
      h('strong', null, body.title || 'The question could not be answered'),
      ' ',
      body.detail && !items.length ? body.detail : '',
      items.length ? h('ul', null, items) : null,
      err instanceof Problem ? null : ` ${err.message}`,
    );
    box.hidden = false;
  }

  function scenario(title, opts, questions) {
    const doc = { scenario: title, world: 'default', as_of: opts.as_of, trust: opts.trust || 'low' };
    if (opts.assume && opts.assume !== 'unknown') doc.assume = opts.assume;
    if (opts.changes && opts.changes.length) doc.changes = opts.changes;
    doc.questions = questions;
    return doc;
  }

  async function run(doc) {
    const result = await api('POST', '/v1/scenarios/run', doc);
    return Object.fromEntries(result.results.map((r) => [r.id, r]));
  }

  async function memos(doc) {
    try {
      return (await api('POST', '/v1/explain', doc)).memos;
    } catch {
      return {}; // the verdict is drawn without its sentence rather than not at all
    }
  }

  // Only the newest question of a view is drawn: an older answer arriving late is dropped.
  const asked = {};
  function ticket(view) {
    // What the output says it shows is cleared until the new answer is drawn.
    const out = $(`#${view}-out`);
    for (const key of Object.keys(out.dataset)) delete out.dataset[key];
    asked[view] = (asked[view] || 0) + 1;
    return asked[view];
  }
  const stale = (view, t) => asked[view] !== t;

  const values = (form) => Object.fromEntries(new FormData(form).entries());

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  const loading = (what) => h('p', { class: 'loading' }, `Asking the engine for ${what}…`);

  // ---- events in words (the JSON's scenario-change syntax, said for a reader) ----

  const pairWords = (p) => `${stateName(p[0])}–${stateName(p[1])}`;
  const STANCE = { support: 'supports', oppose: 'opposes', abstain: 'abstains on' };
  const EVENT_WORDS = {
    establish: (e) => `establish relations ${pairWords(e.establish)}`,
    sever: (e) => `sever relations ${pairWords(e.sever)}`,
    recognize: (e) => `${stateName(e.by)} recognises ${stateName(e.recognize)}`,
    withdraw_recognition: (e) => `${stateName(e.by)} withdraws recognition of ${stateName(e.withdraw_recognition)}`,
    admit: (e) => `${stateName(e.admit)} admitted to the ${e.to} as ${words(e.as)}`,
    leave: (e) => `${stateName(e.leave)} leaves the ${e.from}`,
    conflict: (e) => `armed conflict ${pairWords(e.conflict)}${e.until ? ` until ${e.until}` : ''}`,
    end_conflict: (e) => `end of the conflict ${pairWords(e.end_conflict)}`,
    sanction: (e) => `UN Security Council sanctions on ${stateName(e.sanction)}`,
    lift_sanctions: (e) => `UN Security Council sanctions on ${stateName(e.lift_sanctions)} lifted`,
    support: (e) => `${stateName(e.by)} ${STANCE.support} ${stateName(e.support)}'s bid in the ${e.in}`,
    oppose: (e) => `${stateName(e.by)} ${STANCE.oppose} ${stateName(e.oppose)}'s bid in the ${e.in}`,
    abstain: (e) => `${stateName(e.by)} ${STANCE.abstain} ${stateName(e.abstain)}'s bid in the ${e.in}`,
    assess: (e) => `assessment: ${stateName(e.of)} ${e.as ? 'meets' : 'does not meet'} ${e.assess}`,
  };

  function eventWords(e, dated = true) {
    const verb = Object.keys(EVENT_WORDS).find((v) => v in e);
    const text = verb ? EVENT_WORDS[verb](e) : JSON.stringify(e);
    const day = e.on || e.from;
    return dated && day ? `${text} (${day})` : text;
  }

  // ---- pieces of a verdict ----

  function badge(verdict) {
    return h(
      'span',
      { class: `verdict v-${verdict}`, 'data-verdict': verdict },
      h('span', { class: 'glyph', 'aria-hidden': 'true' }, GLYPH[verdict] || '?'),
      verdict,
    );
  }

  function evidenceItem(e) {
    const facts = [`${named(e.state)}: ${e.fact}`];
    if (e.since) facts.push(` since ${e.since}`);
    if (e.member_of && e.member_since) facts.push(`; a member of the ${e.member_of} since ${e.member_since}`);
    if (e.confidence) facts.push(` (confidence ${e.confidence})`);
    return h('li', null, facts.join(''), e.source ? h('div', { class: 'source' }, 'Source: ', linked(e.source)) : null);
  }

  function conditionsTable(result) {
    const rows = result.conditions.map((c) =>
      h(
        'tr',
        { 'data-condition': c.id, 'data-outcome': c.outcome },
        h('td', { class: `outcome o-${c.outcome}` }, OUTCOME[c.outcome] || c.outcome),
        h(
          'td',
          null,
          h('div', { class: 'cid mono' }, c.id),
          h('div', null, c.text),
          c.source ? h('div', { class: 'source' }, 'Rule: ', linked(c.source)) : null,
        ),
        h('td', null, h('span', { class: 'm-label' }, 'confidence '), c.confidence || '–'),
        h(
          'td',
          null,
          c.evidence.length ? h('ul', { class: 'evidence' }, c.evidence.map(evidenceItem)) : h('span', { class: 'muted' }, 'no fact against it on record'),
        ),
      ),
    );
    return h(
      'table',
      { class: 'conditions' },
      h('thead', null, h('tr', null, ['Outcome', 'Condition', 'Confidence', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows),
    );
  }

  function codesList(codes) {
    if (!codes.length) return h('span', { class: 'muted' }, 'none');
    return h('span', { title: codes.join(', ') }, codes.map(stateName).join(', '));
  }

  function groupWords(by) {
    if (by === 'members') return 'the members';
    if (by && typeof by === 'object' && !Array.isArray(by) && by.members_of) return `the members of the ${by.members_of}`;
    if (Array.isArray(by)) return by.join(', ');
    return String(by);
  }

  function passWords(p) {
    if (typeof p === 'string') return words(p);
    if (p && p.at_least !== undefined) return `at least ${p.at_least}`;
    return JSON.stringify(p);
  }

  function stagesBlock(decision) {
    return h(
      'div',
      { class: 'stages' },
      decision.stages.map((s) =>
        h(
          'div',
          { class: 'stage', 'data-stage': s.name },
          h('h4', null, `${words(s.name)}: `, h('span', { class: `outcome o-${s.outcome === 'passes' ? 'holds' : s.outcome}` }, STAGE_OUTCOME[s.outcome])),
          h('div', { class: 'muted' }, `${passWords(s.pass)} of ${groupWords(s.by)}: ${s.voters} voters, ${s.needed} needed`),
          h(
            'dl',
            { class: 'tally' },
            ['support', 'oppose', 'abstain', 'unknown', 'vetoed_by', 'assumed']
              .filter((k) => k !== 'assumed' || s.assumed.length)
              .map((k) => [h('dt', null, `${words(k)} ${s[k].length}`), h('dd', null, codesList(s[k]))]),
          ),
          s.low_confidence && s.low_confidence.length
            ? h('div', { class: 'source' }, `Positions of low confidence: ${s.low_confidence.map(stateName).join(', ')}`)
            : null,
        ),
      ),
    );
  }

  function settleBlock(items) {
    return h(
      'ul',
      { class: 'settle' },
      items.map((t) =>
        t.condition
          ? h('li', null, `whether ${stateName(t.of)} meets `, h('code', null, t.assess), ` (condition `, h('code', null, t.condition), '): no assessment on record settles it')
          : h(
              'li',
              null,
              `${words(t.stage)}: ${t.voters.length} voters with no position on record; ${t.support_needed} supporters needed; `,
              t.pivotal.length ? `any one of ${t.pivotal.length} opposing blocks it` : 'no single opposition blocks it',
              t.veto_without_position && t.veto_without_position.length ? `; veto holders silent: ${t.veto_without_position.join(', ')}` : '',
            ),
      ),
    );
  }

  function headline(result, compact) {
    return h(
      'div',
      { class: 'headline' },
      badge(result.verdict),
      compact ? null : h('span', { class: 'pair' }, `${stateName(result.state)} → ${orgName(result.org)}`),
      h('span', { class: 'muted' }, `on ${result.as_of}`),
    );
  }

  function statusLine(result) {
    const parts = [];
    if (result.verdict === 'member') parts.push(`A member since ${result.member_since || result.status_since || 'a date not on record'}: not an applicant, no condition is evaluated.`);
    else if (result.status) parts.push(`Holds ${words(result.status)} status since ${result.status_since}.`);
    else parts.push(`Holds no status in the ${result.org}.`);
    if (result.rules_from) parts.push(` Rules in force from ${result.rules_from}.`);
    return h('p', { class: 'muted' }, parts.join(''));
  }

  function renderJoin(out, result, memo, opts = {}) {
    const parts = [headline(result, opts.compact)];
    if (result.beyond_horizon) parts.push(h('p', { class: 'warn' }, 'This date is after the last date the world’s facts were checked: facts after it are not known.'));
    parts.push(statusLine(result));
    if (memo) parts.push(h('p', { class: 'memo' }, linked(memo)));
    if (result.verdict !== 'member') {
      if (opts.compact) {
        parts.push(
          h('p', null, 'Failing: ', result.failing.length ? result.failing.map((id) => h('code', null, id, ' ')) : h('span', { class: 'muted' }, 'none')),
          h('p', null, 'Unknown: ', result.unknown.length ? result.unknown.map((id) => h('code', null, id, ' ')) : h('span', { class: 'muted' }, 'none')),
          h('p', null, 'Decision: ', result.decision ? STAGE_OUTCOME[result.decision.outcome] : '–'),
        );
      } else {
        parts.push(h('h3', null, 'Conditions'), conditionsTable(result));
        if (result.decision) parts.push(h('h3', null, 'Decision'), stagesBlock(result.decision));
      }
      if (result.blocked_by && result.blocked_by.length) {
        parts.push(
          h('h3', null, 'What makes the decision fail'),
          h('ul', null, result.blocked_by.map((b) => h('li', null, `${words(b.stage)}: ${b.because} by ${b.voters.map(stateName).join(', ')}`))),
        );
      }
      if (result.remedies.length) {
        parts.push(
          h('h3', null, 'Remedies'),
          h(
            'ol',
            { class: 'remedies' },
            result.remedies.map((r) =>
              h(
                'li',
                null,
                r.changes.map((c) => eventWords(c, false)).join(' and '),
                h('span', { class: 'muted' }, ` lifts ${r.lifts.join(', ')}`),
                opts.compact
                  ? null
                  : h('button', { type: 'button', class: 'small', onclick: () => tryInWhatif(result, r.changes) }, 'Try in What if'),
              ),
            ),
          ),
        );
      }
      if (result.irremediable.length) parts.push(h('p', null, 'No change can lift: ', result.irremediable.map((id) => h('code', null, id, ' '))));
      if (result.to_settle && result.to_settle.length) parts.push(h('h3', null, 'What would settle it'), settleBlock(result.to_settle));
    }
    out.replaceChildren(
      h('article', { class: 'join', 'data-verdict': result.verdict, 'data-state': result.state, 'data-org': result.org, 'data-as-of': result.as_of }, parts),
    );
  }

  // ---- views ----

  function showView(name, focusTab = false) {
    for (const tab of $$('.tabs [role=tab]')) {
      const on = tab.dataset.view === name;
      tab.setAttribute('aria-selected', String(on));
      if (on && focusTab) tab.focus();
    }
    for (const view of $$('.view')) view.hidden = view.id !== `view-${name}`;
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    if (!shown.has(name)) {
      shown.add(name);
      const form = $(`#view-${name} form.ask-form`);
      if (form && name !== 'whatif') form.requestSubmit();
      if (name === 'whatif') compare().catch(showProblem);
    }
  }

  function submitting(form, fn) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showProblem(null);
      shown.add(form.closest('.view').id.replace('view-', ''));
      try {
        await fn(values(form));
      } catch (err) {
        showProblem(err);
      }
    });
  }

  // Ask

  async function ask(f) {
    const out = $('#ask-out');
    const t = ticket('ask');
    out.replaceChildren(loading('the verdict'));
    const doc = scenario(`Ask: ${f.state} and ${f.org}`, f, [{ id: 'ask', join: { state: stateCode(f.state), org: orgCode(f.org) } }]);
    let answers;
    let texts;
    try {
      [answers, texts] = await Promise.all([run(doc), memos(doc)]);
    } catch (err) {
      if (stale('ask', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('ask', t)) return;
    renderJoin(out, answers.ask, texts.ask);
    Object.assign(out.dataset, { asOf: f.as_of, trust: f.trust });
    if (!performance.getEntriesByName('accede:first-answer').length) performance.mark('accede:first-answer');
  }

  function openAsk(state, org, asOf, trust) {
    const form = $('#ask-form');
    form.elements.state.value = stateName(state);
    form.elements.org.value = org;
    form.elements.as_of.value = asOf;
    form.elements.trust.value = trust;
    shown.add('ask');
    showView('ask');
    form.requestSubmit();
    $('#main').focus();
  }

  // What if

  function changeFields() {
    const form = $('#change-form');
    const verb = form.elements.verb.value;
    for (const label of $$('label[data-for]', form)) label.hidden = !label.dataset.for.split(' ').includes(verb);
    const pair = $('#whatif-form');
    if (!form.elements.subject.value) form.elements.subject.value = pair.elements.state.value;
    if (!form.elements.org.value) form.elements.org.value = pair.elements.org.value;
    statusOptions();
  }

  function statusOptions() {
    const form = $('#change-form');
    const org = world.orgs.get(orgCode(form.elements.org.value));
    const select = form.elements.status;
    const keep = select.value;
    select.replaceChildren(...((org && org.statuses) || ['member']).map((s) => h('option', { value: s }, words(s))));
    if (keep) select.value = keep;
    if (!select.value) select.selectedIndex = 0;
  }

  function changeFromForm(f) {
    const missing = (name, value) => {
      if (!String(value || '').trim()) throw new Error(`fill in “${name}” for this change`);
      return value;
    };
    let change;
    switch (f.verb) {
      case 'establish':
      case 'sever':
        change = { [f.verb]: [stateCode(missing('between', f.a)), stateCode(missing('and', f.b))] };
        break;
      case 'recognize':
        change = { recognize: stateCode(missing('state', f.subject)), by: stateCode(missing('by', f.by)) };
        break;
      case 'admit':
        change = { admit: stateCode(missing('state', f.subject)), to: orgCode(missing('in', f.org)), as: f.status };
        break;
      case 'assess':
        change = { assess: missing('key', f.key), of: stateCode(missing('state', f.subject)), as: f.holds === 'true' };
        break;
      default:
        change = { [f.verb]: stateCode(missing('state', f.subject)), by: stateCode(missing('by', f.by)), in: orgCode(missing('in', f.org)) };
    }
    if (f.on) change.on = f.on;
    return change;
  }

  function renderChanges() {
    const list = $('#changes');
    list.replaceChildren(
      ...whatif.changes.map((c, i) =>
        h(
          'li',
          { 'data-change': JSON.stringify(c) },
          eventWords(c),
          h('button', { type: 'button', class: 'small', 'aria-label': `Remove change ${i + 1}: ${eventWords(c)}`, onclick: () => removeChange(i) }, 'Remove'),
        ),
      ),
    );
    $('#no-changes').hidden = whatif.changes.length > 0;
  }

  function removeChange(i) {
    whatif.changes.splice(i, 1);
    renderChanges();
    compare().catch(showProblem);
    $('#change-form select[name=verb]').focus();
  }

  async function compare() {
    showProblem(null);
    const f = values($('#whatif-form'));
    const join = { state: stateCode(f.state), org: orgCode(f.org) };
    const out = $('#whatif-out');
    const t = ticket('whatif');
    out.replaceChildren(loading('the baseline and the what-if'));
    const opts = { as_of: f.as_of, trust: f.trust };
    const base = scenario(`Baseline: ${f.state} and ${f.org}`, opts, [{ id: 'baseline', join }]);
    const changed = scenario(`What if: ${f.state} and ${f.org}`, { ...opts, changes: whatif.changes }, [{ id: 'whatif', join }]);
    let answers;
    try {
      answers = await Promise.all([run(base), run(changed), memos(base), memos(changed)]);
    } catch (err) {
      if (stale('whatif', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('whatif', t)) return;
    const [b, w, bm, wm] = answers;
    const before = h('div', { id: 'whatif-baseline' }, h('h3', null, 'Baseline'), h('div'));
    const after = h('div', { id: 'whatif-changed' }, h('h3', null, `What if (${whatif.changes.length} change${whatif.changes.length === 1 ? '' : 's'})`), h('div'));
    renderJoin(before.lastChild, b.baseline, bm.baseline, { compact: true });
    renderJoin(after.lastChild, w.whatif, wm.whatif, { compact: true });
    const flipped = b.baseline.verdict !== w.whatif.verdict;
    const flip = h(
      'p',
      { class: 'flip', id: 'whatif-flip', 'data-flipped': String(flipped) },
      flipped ? `The changes flip the verdict: ${b.baseline.verdict} → ${w.whatif.verdict}.` : `The verdict stays ${w.whatif.verdict}.`,
      sameIds(b.baseline.failing, w.whatif.failing) ? '' : ` Failing: ${b.baseline.failing.join(', ') || 'none'} → ${w.whatif.failing.join(', ') || 'none'}.`,
    );
    out.replaceChildren(flip, before, after);
    out.dataset.changes = String(changed.changes ? changed.changes.length : 0);
    out.dataset.asOf = f.as_of;
    whatif.yaml = scenarioYaml(changed, w.whatif);
    $('#yaml').value = whatif.yaml;
  }

  const sameIds = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  function tryInWhatif(result, changes) {
    const form = $('#whatif-form');
    form.elements.state.value = stateName(result.state);
    form.elements.org.value = result.org;
    form.elements.as_of.value = result.as_of;
    form.elements.trust.value = $('#ask-form').elements.trust.value;
    whatif.changes = changes.map((c) => ({ ...c }));
    renderChanges();
    shown.add('whatif');
    showView('whatif');
    compare().catch(showProblem);
    $('#main').focus();
  }

  // The scenario file that reproduces the what-if, its answer written down as the expectation.
  const PLAIN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
  const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

  function scalar(v) {
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    if (v === null) return 'null';
    const s = String(v);
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
    if (PLAIN.test(s) && !RESERVED.has(s.toLowerCase())) return s;
    return JSON.stringify(s); // a JSON string is a YAML 1.2 double-quoted scalar
  }

  function flow(v) {
    if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
    if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${scalar(k)}: ${flow(x)}`).join(', ')}}`;
    return scalar(v);
  }

  function scenarioYaml(doc, result) {
    const lines = [
      `# ${doc.scenario}: made by accede's page on revision ${document.body.dataset.revision || 'unknown'}`,
      `scenario: ${scalar(doc.scenario)}`,
      `world: ${doc.world}`,
      `as_of: ${doc.as_of}`,
      `trust: ${doc.trust}`,
    ];
    if (doc.assume) lines.push(`assume: ${doc.assume}`);
    if (doc.changes && doc.changes.length) {
      lines.push('changes:');
      for (const c of doc.changes) lines.push(`  - ${flow(c)}`);
    }
    lines.push('questions:');
    for (const q of doc.questions) {
      lines.push(`  - id: ${scalar(q.id)}`);
      lines.push(`    join: ${flow(q.join)}`);
      lines.push(`    expect: ${flow({ verdict: result.verdict, failing: result.failing })}`);
    }
    return `${lines.join('\n')}\n`;
  }

  async function copyYaml() {
    const area = $('#yaml');
    const status = $('#copy-status');
    if (!whatif.yaml) await compare();
    area.value = whatif.yaml;
    try {
      await navigator.clipboard.writeText(whatif.yaml);
      status.textContent = 'Copied: save it as a .yaml file and run `accede test` on it.';
    } catch {
      area.focus();
      area.select();
      status.textContent = 'The clipboard is not available here: the text is selected, copy it with Ctrl+C.';
    }
  }

  // Timeline

  const DAY = 86400000;
  const dayNumber = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY;
  const isoOf = (n) => new Date(n * DAY).toISOString().slice(0, 10);

  async function timeline(f) {
    const out = $('#timeline-out');
    const t = ticket('timeline');
    out.replaceChildren(loading('the timeline'));
    const spec = { state: stateCode(f.state), org: orgCode(f.org), from: f.from, until: f.until };
    const doc = scenario(`Timeline: ${f.state} and ${f.org}`, { as_of: f.from, trust: f.trust }, [{ id: 'timeline', timeline: spec }]);
    let answers;
    try {
      answers = await run(doc);
    } catch (err) {
      if (stale('timeline', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('timeline', t)) return;
    drawTimeline(out, answers.timeline);
    Object.assign(out.dataset, { state: answers.timeline.state, from: f.from, until: f.until });
  }

  // Month ticks far enough apart for their labels at this width: every 1, 3, 6 months, or years.
  function ticks(start, end, pixels) {
    const months = Math.max(1, (end - start) / 30.44);
    const perMonth = pixels / months;
    const step = [1, 3, 6, 12, 24, 60, 120, 300].find((k) => perMonth * k >= (k >= 12 ? 44 : 64)) || 600;
    const out = [];
    const first = new Date(start * DAY);
    let y = first.getUTCFullYear();
    let m = step >= 12 ? 0 : first.getUTCMonth() - (first.getUTCMonth() % step);
    if (step > 12) y -= y % (step / 12);
    for (;;) {
      const n = Date.UTC(y, m, 1) / DAY;
      if (n > end) break;
      if (n >= start) out.push({ n, label: step >= 12 ? String(y) : `${y}-${String(m + 1).padStart(2, '0')}`, major: m === 0 });
      m += step;
      while (m >= 12) {
        m -= 12;
        y += 1;
      }
    }
    return out;
  }

  let lastTimeline = null;

  function drawTimeline(out, t) {
    lastTimeline = t;
    // Drawn at the width it is shown at, so its text stays legible on a phone.
    const W = Math.max(320, Math.round(out.clientWidth || 1000));
    const left = 34;
    const right = W - 34;
    const start = dayNumber(t.from);
    const end = dayNumber(t.until);
    const x = (n) => left + ((n - start) / Math.max(1, end - start)) * (right - left);
    // Boundary labels go on the first row where they do not run into a label already placed.
    const boundaries = t.intervals.slice(1);
    const rows = [];
    const place = boundaries.map((iv) => {
      const px = x(dayNumber(iv.from));
      let row = rows.findIndex((last) => px - last > 92);
      if (row < 0) {
        row = rows.length;
        rows.push(-Infinity);
      }
      rows[row] = px;
      return row;
    });
    const labelRows = Math.max(1, rows.length);
    const bandTop = 14 + labelRows * 18 + 8;
    const bandH = 46;
    const axisY = bandTop + bandH + 6;
    const H = axisY + 30;
    const chart = svg('svg', {
      class: 'chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-labelledby': 'timeline-title',
      id: 'timeline-chart',
    });
    chart.append(svg('title', { id: 'timeline-title' }, `${stateName(t.state)} and the ${t.org}, ${t.from} to ${t.until}: ${t.intervals.map((iv) => `${iv.verdict} from ${iv.from}`).join('; ')}`));
    for (const iv of t.intervals) {
      let x0 = x(dayNumber(iv.from));
      let x1 = x(iv.until ? dayNumber(iv.until) : end);
      // An interval of a few days still shows: at least 6 px wide, centred on where it lies.
      if (x1 - x0 < 6) {
        const mid = (x0 + x1) / 2;
        x0 = mid - 3;
        x1 = mid + 3;
      }
      const band = svg('g', { class: 'band', 'data-from': iv.from, 'data-until': iv.until || '', 'data-verdict': iv.verdict });
      const why = [
        `${iv.verdict} from ${iv.from} until ${iv.until || t.until}`,
        iv.failing.length ? `failing: ${iv.failing.join(', ')}` : '',
        iv.unknown.length ? `unknown: ${iv.unknown.join(', ')}` : '',
        `rules in force from ${iv.rules_from}`,
      ].filter(Boolean);
      band.append(svg('title', null, why.join('\n')));
      band.append(svg('rect', { x: x0, y: bandTop, width: x1 - x0, height: bandH, class: `v-${iv.verdict}` }));
      const wide = x1 - x0;
      if (wide > 18) {
        const label = wide > 120 ? `${GLYPH[iv.verdict]}  ${iv.verdict}` : GLYPH[iv.verdict];
        band.append(svg('text', { x: (x0 + x1) / 2, y: bandTop + bandH / 2 + 5, 'text-anchor': 'middle', class: `band-label t-${iv.verdict}` }, label));
      }
      chart.append(band);
    }
    chart.append(svg('line', { x1: left, x2: right, y1: axisY, y2: axisY, class: 'axis' }));
    for (const tk of ticks(start, end, right - left)) {
      const px = x(tk.n);
      chart.append(svg('line', { x1: px, x2: px, y1: axisY, y2: axisY + (tk.major ? 8 : 5), class: 'axis' }));
      chart.append(svg('text', { x: px, y: axisY + 22, 'text-anchor': 'middle', class: 'tick' }, tk.label));
    }
    boundaries.forEach((iv, i) => {
      const px = x(dayNumber(iv.from));
      const ly = 14 + place[i] * 18;
      // Labels of the first row end at their marker, the next rows start at it, so neighbours part.
      const anchor = place[i] % 2 === 0 ? (px < 100 ? 'start' : 'end') : px > W - 100 ? 'end' : 'start';
      const lx = anchor === 'end' ? px - 4 : px + 4;
      const why = iv.because.length
        ? iv.because.map((e) => `${eventWords(e)}${e.source ? `\nsource: ${e.source}` : ''}${e.confidence ? ` (confidence ${e.confidence})` : ''}`)
        : [`the rules in force from ${iv.rules_from}`];
      const marker = svg(
        'g',
        { class: 'marker-group', 'data-date': iv.from },
        svg('title', null, `${iv.from}: ${iv.verdict}\n${why.join('\n')}`),
        svg('line', { x1: px, x2: px, y1: ly + 4, y2: bandTop - 8, class: 'marker' }),
        svg('circle', { cx: px, cy: bandTop - 4, r: 5, class: 'marker-dot' }),
        svg('text', { x: lx, y: ly, 'text-anchor': anchor, class: 'marker-label' }, iv.from),
        svg('rect', { x: px - 8, y: 0, width: 16, height: axisY, class: 'marker-hit' }),
      );
      chart.append(marker);
    });
    const table = h(
      'table',
      { class: 'intervals' },
      h('thead', null, h('tr', null, ['From', 'Until', 'Verdict', 'Failing / unknown', 'Because'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        t.intervals.map((iv) =>
          h(
            'tr',
            { 'data-from': iv.from },
            h('td', { class: 'day' }, h('span', { class: 'm-label' }, 'from '), iv.from),
            h('td', { class: 'day' }, h('span', { class: 'm-label' }, 'until '), iv.until || t.until),
            h('td', null, badge(iv.verdict)),
            h('td', { class: 'mono' }, [...iv.failing, ...iv.unknown.map((u) => `${u}?`)].join(', ') || (iv.verdict === 'blocked' ? 'the decision' : '–')),
            h(
              'td',
              null,
              iv.because.length
                ? h('ul', { class: 'evidence' }, iv.because.map((e) => h('li', null, eventWords(e), e.source ? h('div', { class: 'source' }, 'Source: ', linked(e.source)) : null)))
                : iv === t.intervals[0]
                  ? h('span', { class: 'muted' }, 'the start of the period')
                  : `the rules in force from ${iv.rules_from}`,
            ),
          ),
        ),
      ),
    );
    out.replaceChildren(
      h('p', null, `${stateName(t.state)} and ${orgName(t.org)}, ${t.from} to ${t.until}: ${t.intervals.length} interval${t.intervals.length === 1 ? '' : 's'}. Hover a marker for the events that flipped the verdict and their sources.`),
      chart,
      h('h3', null, 'Intervals'),
      table,
    );
  }

  // Matrix

  let matrixData = null;

  async function matrix(f) {
    const out = $('#matrix-out');
    const t = ticket('matrix');
    out.replaceChildren(loading('the sweep'));
    const doc = scenario('Matrix', { as_of: f.as_of, trust: f.trust }, [{ id: 'matrix', matrix: {} }]);
    let answers;
    try {
      answers = await run(doc);
    } catch (err) {
      if (stale('matrix', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('matrix', t)) return;
    matrixData = { ...answers.matrix, trust: f.trust };
    drawMatrix(out, matrixData);
    filterMatrix();
    out.dataset.asOf = matrixData.as_of;
  }

  function cellTitle(row) {
    const lines = [`${stateName(row.state)} (${row.state}) · ${row.org}: ${row.verdict}`];
    if (row.failing.length) lines.push(`failing: ${row.failing.join(', ')}`);
    if (row.unknown.length) lines.push(`open: ${row.unknown.join(', ')}`);
    if (row.decision) lines.push(`decision: ${row.decision}`);
    lines.push('Enter or click: ask about this pair');
    return lines.join('\n');
  }

  function drawMatrix(out, data) {
    const orgs = [...new Set(data.rows.map((r) => r.org))].sort();
    const byState = new Map();
    for (const r of data.rows) {
      if (!byState.has(r.state)) byState.set(r.state, new Map());
      byState.get(r.state).set(r.org, r);
    }
    const states = [...byState.keys()].sort((a, b) => stateName(a).localeCompare(stateName(b)));
    let first = true;
    const body = states.map((code) => {
      const cells = byState.get(code);
      const state = world.states.get(code) || {};
      return h(
        'tr',
        { 'data-state': code, 'data-region': state.region || '' },
        h('th', { scope: 'row', title: `${stateName(code)} (${code}), ${state.region || ''}` }, stateName(code)),
        orgs.map((org) => {
          const row = cells.get(org);
          if (!row) return h('td', { class: 'member', title: `${stateName(code)} · ${org}: member (not an applicant)` }, GLYPH.member);
          const cell = h(
            'td',
            {
              class: `cell v-${row.verdict}`,
              role: 'gridcell',
              tabindex: first ? '0' : '-1',
              title: cellTitle(row),
              'aria-label': `${stateName(code)}, ${org}: ${row.verdict}${row.failing.length ? `, failing ${row.failing.join(', ')}` : ''}`,
              dataset: { state: code, org, verdict: row.verdict },
            },
            GLYPH[row.verdict],
          );
          first = false;
          return cell;
        }),
      );
    });
    const table = h(
      'table',
      { class: 'heat', id: 'heatmap', role: 'grid', 'aria-label': `Verdicts on ${data.as_of}: states by organisation` },
      h('thead', null, h('tr', null, h('th', { class: 'corner', scope: 'col' }, 'State'), orgs.map((o) => h('th', { scope: 'col', title: orgName(o) }, o)))),
      h('tbody', null, body),
    );
    table.addEventListener('click', (ev) => {
      const cell = ev.target.closest('td.cell');
      if (cell) openAsk(cell.dataset.state, cell.dataset.org, data.as_of, data.trust);
    });
    table.addEventListener('keydown', gridKeys);
    out.replaceChildren(
      h('p', { class: 'matrix-note', id: 'matrix-count' }),
      h('div', { class: 'heat-wrap' }, table),
    );
  }

  function gridKeys(ev) {
    const cell = ev.target.closest('td.cell');
    if (!cell) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      openAsk(cell.dataset.state, cell.dataset.org, matrixData.as_of, matrixData.trust);
      return;
    }
    const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    const move = moves[ev.key];
    if (!move && ev.key !== 'Home' && ev.key !== 'End') return;
    ev.preventDefault();
    const rows = $$('#heatmap tbody tr').filter((tr) => !tr.hidden);
    const r = rows.indexOf(cell.parentElement);
    const c = Array.from(cell.parentElement.children).indexOf(cell);
    let target = null;
    if (ev.key === 'Home') target = $('td.cell', rows[0]);
    else if (ev.key === 'End') target = $$('td.cell', rows[rows.length - 1]).pop();
    else if (move[0] === 0) {
      const cells = Array.from(cell.parentElement.children);
      for (let k = c + move[1]; k > 0 && k < cells.length; k += move[1]) {
        if (cells[k].classList.contains('cell')) {
          target = cells[k];
          break;
        }
      }
    } else {
      for (let k = r + move[0]; k >= 0 && k < rows.length; k += move[0]) {
        const there = rows[k].children[c];
        if (there && there.classList.contains('cell')) {
          target = there;
          break;
        }
      }
    }
    if (target) focusCell(target);
  }

  function focusCell(cell) {
    for (const c of $$('#heatmap td.cell[tabindex="0"]')) c.tabIndex = -1;
    cell.tabIndex = 0;
    cell.focus();
  }

  function filterMatrix() {
    const table = $('#heatmap');
    if (!table) return;
    const region = $('#matrix-region').value;
    const verdict = $('#matrix-verdict').value;
    let rowsShown = 0;
    let cellsShown = 0;
    for (const tr of $$('tbody tr', table)) {
      let match = 0;
      for (const td of $$('td.cell', tr)) {
        const on = !verdict || td.dataset.verdict === verdict;
        td.classList.toggle('faded', !on);
        match += on ? 1 : 0;
      }
      const visible = (!region || tr.dataset.region === region) && match > 0;
      tr.hidden = !visible;
      if (visible) {
        rowsShown += 1;
        cellsShown += match;
      }
    }
    // The one cell in the tab order must be a visible one.
    const current = $('td.cell[tabindex="0"]', table);
    if (!current || current.parentElement.hidden) {
      const next = $$('tbody tr', table).filter((tr) => !tr.hidden).map((tr) => $('td.cell', tr)).find(Boolean);
      if (current) current.tabIndex = -1;
      if (next) next.tabIndex = 0;
    }
    const total = matrixData.rows.length;
    $('#matrix-count').textContent =
      `${matrixData.as_of}: ${total} verdicts for non-members (one cell each); showing ${cellsShown} in ${rowsShown} states` +
      `${region ? ` of ${region}` : ''}${verdict ? `, ${verdict} only` : ''}. Arrow keys move between cells; Enter asks about one.`;
  }

  function legend() {
    const text = { blocked: 'blocked', undetermined: 'undetermined', eligible: 'eligible', member: 'member (no cell: not an applicant)' };
    $('#legend').replaceChildren(
      ...Object.entries(text).map(([v, t]) =>
        h('span', { class: 'key' }, h('span', { class: `swatch v-${v}`, 'aria-hidden': 'true', dataset: { legend: v } }, GLYPH[v]), t),
      ),
    );
  }

  // Order and leverage

  async function order(f) {
    const out = $('#order-out');
    const t = ticket('order');
    out.replaceChildren(loading('the admission orders and the leverage ranking'));
    const org = orgCode(f.org);
    const applicants = f.applicants.split(',').map((s) => s.trim()).filter(Boolean).map(stateCode);
    const doc = scenario(`Order: ${f.org}`, { as_of: f.as_of, trust: f.trust }, [
      { id: 'order', order: { org, applicants } },
      { id: 'leverage', leverage: { orgs: [org], limit: 12 } },
    ]);
    let answers;
    try {
      answers = await run(doc);
    } catch (err) {
      if (stale('order', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('order', t)) return;
    drawOrder(out, answers.order, answers.leverage);
    out.dataset.asOf = f.as_of;
  }

  function conflictGraph(o) {
    const n = o.applicants.length;
    const R = n > 1 ? Math.max(120, 40 * n) : 0;
    const r = 28;
    const raw = o.applicants.map((code, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
      return [code, [R * Math.cos(a), R * Math.sin(a)]];
    });
    // The picture is cut to the nodes it holds (with room for names under them).
    const xs = raw.map(([, p]) => p[0]);
    const ys = raw.map(([, p]) => p[1]);
    const pad = r + 80;
    const x0 = Math.min(...xs) - pad;
    const y0 = Math.min(...ys) - r - 30;
    const W = Math.max(...xs) + pad - x0;
    const H = Math.max(...ys) + r + 30 - y0;
    const pos = new Map(raw.map(([code, p]) => [code, [p[0] - x0, p[1] - y0]]));
    const feasible = new Set(o.feasible.flat());
    const chart = svg('svg', { class: 'graph', id: 'order-graph', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'order-graph-title' });
    chart.style.maxWidth = `${Math.max(260, W)}px`;
    chart.append(
      svg('title', { id: 'order-graph-title' }, `Conflicts among the applicants to the ${o.org}: ${o.conflicts.map((c) => `admitting ${c.first} first blocks ${c.then}`).join('; ') || 'none'}`),
      svg('defs', null, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#d55e00' }))),
    );
    const pairs = new Set(o.conflicts.map((c) => `${c.first}>${c.then}`));
    for (const c of o.conflicts) {
      const [x1, y1] = pos.get(c.first);
      const [x2, y2] = pos.get(c.then);
      const dx = x2 - x1;
      const dy = y2 - y1;
      const len = Math.hypot(dx, dy) || 1;
      const ux = dx / len;
      const uy = dy / len;
      // Two arrows between the same pair bend apart instead of lying on each other.
      const bend = pairs.has(`${c.then}>${c.first}`) ? 28 : 0;
      const sx = x1 + ux * r;
      const sy = y1 + uy * r;
      const ex = x2 - ux * (r + 3);
      const ey = y2 - uy * (r + 3);
      const mx = (sx + ex) / 2 - uy * bend;
      const my = (sy + ey) / 2 + ux * bend;
      const d = `M${sx},${sy} Q${mx},${my} ${ex},${ey}`;
      chart.append(
        svg(
          'g',
          { class: 'conflict', 'data-first': c.first, 'data-then': c.then },
          svg('title', null, `Admitting ${stateName(c.first)} first blocks ${stateName(c.then)}: ${c.because.join(', ')}`),
          svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }),
          svg('path', { d, class: 'edge-hit' }),
        ),
      );
    }
    for (const code of o.applicants) {
      const [x, y] = pos.get(code);
      const can = feasible.has(code);
      // The name sits outside the ring, away from the arrows inside it.
      const [rx, ry] = raw.find(([c]) => c === code)[1];
      const out = Math.hypot(rx, ry) || 1;
      const [ux, uy] = n > 1 ? [rx / out, ry / out] : [0, 1];
      const nx = x + ux * (r + 10);
      const ny = y + uy * (r + 12);
      const anchor = ux > 0.3 ? 'start' : ux < -0.3 ? 'end' : 'middle';
      chart.append(
        svg(
          'g',
          { class: `node${can ? ' feasible' : ''}`, 'data-state': code },
          svg('title', null, `${named(code)}: ${can ? 'admitted in some feasible order' : 'in no feasible order'}`),
          svg('circle', { cx: x, cy: y, r }),
          svg('text', { x, y, class: 'code' }, code),
          svg('text', { x: nx, y: ny, class: 'name', 'text-anchor': anchor }, stateName(code)),
        ),
      );
    }
    return chart;
  }

  function drawOrder(out, o, lev) {
    const most = Math.max(1, ...lev.ranking.map((e) => e.unlocks.length));
    const left = h(
      'div',
      null,
      h('h3', null, `Admission orders in the ${o.org}`),
      conflictGraph(o),
      h('p', { class: 'muted' }, 'An arrow from A to B: admitting A first blocks B (hover it for the conditions). A filled node is admitted in some feasible order; a dashed one in none.'),
      o.conflicts.length
        ? h('ul', { class: 'conflicts' }, o.conflicts.map((c) => h('li', null, `${stateName(c.first)} first blocks ${stateName(c.then)}: `, c.because.map((id) => h('code', null, id, ' ')))))
        : h('p', null, 'No admission blocks another.'),
      h('h4', null, `Feasible orders (largest admits ${o.largest})${o.truncated ? ', truncated' : ''}`),
      o.feasible.length
        ? h('ol', { class: 'orders' }, o.feasible.map((f) => h('li', null, f.length ? f.map(stateName).join(' → ') : 'none can be admitted')))
        : h('p', null, 'None.'),
    );
    const right = h(
      'div',
      null,
      h('h3', null, `Leverage in the ${o.org}`),
      h('p', { class: 'muted' }, 'The single new relations or recognitions that would unlock the most accessions.'),
      lev.ranking.length
        ? h(
            'ol',
            { class: 'bars', id: 'leverage' },
            lev.ranking.map((e) => {
              const bar = h('div', { class: 'bar', 'aria-hidden': 'true' });
              bar.style.width = `${(100 * e.unlocks.length) / most}%`;
              return h(
                'li',
                { 'data-unlocks': e.unlocks.length },
                h('div', { class: 'bar-label' }, h('span', null, eventWords(e.change, false)), h('strong', null, `${e.unlocks.length} unlock${e.unlocks.length === 1 ? '' : 's'}`)),
                bar,
                h('div', { class: 'source' }, e.unlocks.map((u) => `${stateName(u.state)} → ${u.org}`).join(', ')),
              );
            }),
          )
        : h('p', null, 'No single new relation or recognition unlocks an accession here.'),
    );
    out.replaceChildren(h('div', { class: 'order-grid' }, left, right));
  }

  // ---- start ----

  function tabs() {
    const list = $$('.tabs [role=tab]');
    for (const tab of list) {
      tab.addEventListener('click', () => showView(tab.dataset.view));
      tab.addEventListener('keydown', (ev) => {
        const i = list.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: list.length - 1 }[ev.key];
        if (next === undefined) return;
        ev.preventDefault();
        showView(list[(next + list.length) % list.length].dataset.view, true);
      });
    }
    window.addEventListener('hashchange', () => {
      const name = location.hash.slice(1);
      if ($(`#view-${name}`)) showView(name);
    });
  }

  // One organisation over time: states x years (1 January of each), from GET /v1/history.

  async function overTime(f) {
    const out = $('#history-out');
    const t = ticket('history');
    out.replaceChildren(loading('the sweep over the years'));
    const org = resolveOrg(f.org);
    const query = new URLSearchParams({ org, from: f.from, until: f.until, trust: f.trust });
    let data;
    try {
      data = await api('GET', `/v1/history?${query}`);
    } catch (err) {
      if (stale('history', t)) return;
      out.replaceChildren();
      throw err;
    }
    if (stale('history', t)) return;
    const GONE = { none: '·', gone: '' };
    const rows = data.rows
      .filter((r) => r.verdicts.some((v) => v !== 'gone'))
      .sort((a, b) => stateName(a.state).localeCompare(stateName(b.state)))
      .map((r) =>
        h(
          'tr',
          { 'data-state': r.state },
          h('th', { scope: 'row' }, stateName(r.state)),
          r.verdicts.map((v, k) => {
            const year = data.years[k];
            if (v in GONE) {
              const why = v === 'none' ? 'no rules in force' : 'the state did not exist';
              return h('td', { class: 'member', title: `${year}: ${why}` }, GONE[v]);
            }
            const kind = v === 'member' ? 'member' : `cell v-${v}`;
            return h(
              'td',
              {
                class: kind,
                role: 'gridcell',
                tabindex: v === 'member' ? null : '-1',
                title: `${stateName(r.state)} · ${data.org} on ${year}-01-01: ${v}`,
                'aria-label': `${stateName(r.state)}, ${year}: ${v}`,
                dataset: { state: r.state, year: String(year), verdict: v },
              },
              GLYPH[v],
            );
          }),
        ),
      );
    const table = h(
      'table',
      { class: 'heat', id: 'history-heatmap', role: 'grid', 'aria-label': `${data.org}: states by year` },
      h('thead', null, h('tr', null, h('th', { class: 'corner', scope: 'col' }, 'State'), data.years.map((y) => h('th', { scope: 'col' }, String(y))))),
      h('tbody', null, rows),
    );
    const cells = table.querySelectorAll('td.cell');
    if (cells.length) cells[0].tabIndex = 0;
    table.addEventListener('click', (ev) => {
      const cell = ev.target.closest('td.cell');
      if (cell) openAsk(cell.dataset.state, data.org, `${cell.dataset.year}-01-01`, f.trust);
    });
    table.addEventListener('keydown', (ev) => {
      const cell = ev.target.closest('td.cell');
      if (cell && ev.key === 'Enter') openAsk(cell.dataset.state, data.org, `${cell.dataset.year}-01-01`, f.trust);
    });
    out.replaceChildren(
      h('p', { class: 'matrix-note' }, `${orgName(data.org)} on 1 January of ${data.years[0]} to ${data.years[data.years.length - 1]}: every state that existed then (M: a member; · : no rules in force).`),
      h('div', { class: 'heat-wrap' }, table),
    );
    out.dataset.org = data.org;
  }

  function resolveOrg(text) {
    const wanted = String(text).trim();
    for (const [code, o] of world.orgs) {
      if (code.toLowerCase() === wanted.toLowerCase() || (o.name || '').toLowerCase() === wanted.toLowerCase()) return code;
    }
    return wanted;
  }

  async function start() {
    const day = today();
    for (const input of $$('input[name=as_of]')) input.value = day;
    legend();
    tabs();
    submitting($('#ask-form'), ask);
    submitting($('#whatif-form'), () => compare());
    submitting($('#timeline-form'), timeline);
    submitting($('#matrix-form'), matrix);
    submitting($('#history-form'), overTime);
    submitting($('#order-form'), order);
    const change = $('#change-form');
    change.addEventListener('submit', (ev) => {
      ev.preventDefault();
      showProblem(null);
      try {
        whatif.changes.push(changeFromForm(values(change)));
      } catch (err) {
        showProblem(err);
        return;
      }
      renderChanges();
      compare().catch(showProblem);
    });
    change.elements.verb.addEventListener('change', changeFields);
    change.elements.org.addEventListener('change', statusOptions);
    $('#copy-yaml').addEventListener('click', () => copyYaml().catch(showProblem));
    $('#clear-changes').addEventListener('click', () => {
      whatif.changes = [];
      renderChanges();
      compare().catch(showProblem);
    });
    $('#matrix-region').addEventListener('change', filterMatrix);
    let resizing = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        const out = $('#timeline-out');
        if (lastTimeline && out.offsetParent !== null) {
          const keep = { ...out.dataset };
          drawTimeline(out, lastTimeline);
          Object.assign(out.dataset, keep);
        }
      }, 150);
    });
    $('#matrix-verdict').addEventListener('change', filterMatrix);
    renderChanges();
    try {
      const [names, orgs] = await Promise.all([api('GET', '/v1/names'), api('GET', '/v1/organizations')]);
      learnNames(names, orgs);
    } catch (err) {
      showProblem(err);
    }
    changeFields();
    const wanted = location.hash.slice(1);
    showView($(`#view-${wanted}`) ? wanted : 'ask');
    document.body.dataset.ready = 'true';
  }

  start();
})();
