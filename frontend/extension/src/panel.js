// The Stagecraft panel: in the toolbar popup, and in a frame beside a
// compose window in Gmail or Outlook. Pick a deal, search its collateral
// (the deal's stage and personas applied, changeable), then insert a tracked
// link into the email, or copy it.
import { StagecraftError, call, loadSettings, query } from './api.js';
import { checkPasscode, defaultOptions, linkBody, passcodeMax, summary } from './share.js';
import { dealHint, dealLabel, dealPage, withChosen } from './deals.js';
import { h, snippet } from './ui.js';

const params = new URLSearchParams(location.search);
const compose = params.get('compose');
const mode = compose ? 'compose' : 'popup';
// Where Insert link goes: this panel's compose window, or, in the popup,
// the one the user last worked in (if it is still open).
let canInsert = mode === 'compose';
document.body.dataset.mode = mode;
const app = document.getElementById('app');

const state = {
  settings: null,
  me: null,
  taxonomy: { stages: [], personas: [] },
  deals: [], // the open deals loaded for the picker (a page of them)
  dealTotal: 0, // how many open deals match dealQ
  dealQ: '', // what the deal search box holds
  chosenDeal: null, // the deal picked, kept listed while a search misses it
  deal: '',
  stages: [],
  personas: [],
  q: '',
  recipient: '',
  options: { ...defaultOptions }, // the next link's protection and alerts
  optionsOpen: false,
  hits: [],
  total: 0,
  searching: false,
  message: null, // { text, ok }
  busy: '', // asset id being shared
  lastLink: null, // { url, title }
};

function show(text, ok = false) {
  state.message = text ? { text, ok } : null;
  render();
}

function messageOf(err) {
  return err instanceof StagecraftError || err instanceof Error ? err.message : String(err);
}

/** toCompose asks the content script of this tab (through the worker). */
function toCompose(payload) {
  return chrome.runtime.sendMessage({ type: 'to-compose', payload: { ...payload, compose } });
}

async function start() {
  state.settings = await loadSettings();
  if (!state.settings.server || !state.settings.token) {
    renderSetup();
    return;
  }
  try {
    const [me, tax, deals] = await Promise.all([
      call(state.settings, 'GET', '/me'),
      call(state.settings, 'GET', '/taxonomy'),
      call(state.settings, 'GET', `/deals${query({ status: 'open', owner: 'me', limit: dealPage })}`),
    ]);
    state.me = me;
    state.taxonomy = tax;
    state.deals = deals.items ?? [];
    state.dealTotal = deals.total ?? state.deals.length;
  } catch (err) {
    renderFatal(err);
    return;
  }
  try {
    const info = mode === 'compose'
      ? await toCompose({ type: 'compose-info' })
      : await chrome.runtime.sendMessage({ type: 'last-compose' });
    if (info?.ok) {
      canInsert = true;
      if (info.recipients?.length) state.recipient = info.recipients[0];
    }
  } catch {
    // Nothing to insert into, or no recipient to suggest: Copy link works.
  }
  render();
  search();
}

function known(facet, keys) {
  return (keys ?? []).filter((k) => state.taxonomy[facet]?.some((t) => t.key === k));
}

let dealTimer = 0;
let dealSeq = 0;
/** findDeals loads the open deals matching the deal search box, once
 * typing pauses; a slower, older answer never replaces a newer one. */
function findDeals(delay = 250) {
  clearTimeout(dealTimer);
  dealTimer = setTimeout(async () => {
    const mine = ++dealSeq;
    try {
      const r = await call(state.settings, 'GET', `/deals${query({
        status: 'open', owner: 'me', q: state.dealQ.trim(), limit: dealPage,
      })}`);
      if (mine !== dealSeq) return;
      state.deals = r.items ?? [];
      state.dealTotal = r.total ?? state.deals.length;
    } catch (err) {
      if (mine !== dealSeq) return;
      state.message = { text: messageOf(err), ok: false };
    }
    render();
  }, delay);
}

function chooseDeal(id) {
  state.deal = id;
  const d = withChosen(state.deals, state.chosenDeal).find((x) => x.id === id);
  state.chosenDeal = d ?? null;
  // A deal brings its stage and personas as filters, which stay changeable.
  state.stages = d ? known('stages', [d.stage]) : [];
  state.personas = d ? known('personas', d.personas) : [];
  search();
}

let timer = 0;
let seq = 0;
function search(delay = 0) {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const mine = ++seq;
    state.searching = true;
    render();
    try {
      const r = await call(state.settings, 'GET', `/search${query({
        q: state.q.trim(), stage: state.stages, persona: state.personas, limit: 20,
      })}`);
      if (mine !== seq) return;
      state.hits = r.hits ?? [];
      state.total = r.total ?? 0;
      state.message = null;
    } catch (err) {
      if (mine !== seq) return;
      state.message = { text: messageOf(err), ok: false };
    } finally {
      if (mine === seq) {
        state.searching = false;
        render();
      }
    }
  }, delay);
}

async function share(hit, action) {
  const bad = checkPasscode(state.options);
  if (bad) {
    state.optionsOpen = true;
    show(bad);
    document.getElementById('opt-passcode')?.focus();
    return;
  }
  state.busy = hit.asset.id;
  show(null);
  try {
    const link = await call(state.settings, 'POST', '/links', linkBody({
      assetID: hit.asset.id, dealID: state.deal, recipient: state.recipient, options: state.options,
    }));
    state.lastLink = { url: link.url, title: hit.asset.title };
    if (action === 'insert') {
      const res = await toCompose({ type: 'insert-link', url: link.url, title: hit.asset.title });
      if (!res?.ok) throw new Error(res?.error || 'The link could not be inserted. Use Copy link instead.');
      state.busy = '';
      show(`Inserted a tracked link to “${hit.asset.title}”.`, true);
      return;
    }
    let copied = false;
    try {
      await navigator.clipboard.writeText(link.url);
      copied = true;
    } catch {
      copied = false;
    }
    call(state.settings, 'POST', '/events', { events: [{
      id: crypto.randomUUID(), type: 'copy_link', asset_id: hit.asset.id, deal_id: state.deal || undefined,
      occurred_at: new Date().toISOString(), meta: { source: 'extension' },
    }] }).catch(() => {});
    state.busy = '';
    show(copied ? 'Tracked link copied to the clipboard.' : 'Select the link below and copy it.', copied);
  } catch (err) {
    state.busy = '';
    show(messageOf(err));
  }
}

function header() {
  return h('header', {},
    h('strong', {}, 'Stagecraft'),
    state.me ? h('span', { class: 'who', title: state.me.email }, state.me.name || state.me.email) : null,
    h('button', { title: 'Options', 'aria-label': 'Extension options', onclick: () => chrome.runtime.openOptionsPage() }, '⚙'),
    mode === 'compose'
      ? h('button', { title: 'Close', 'aria-label': 'Close', onclick: () => toCompose({ type: 'close-panel' }) }, '✕')
      : null);
}

function renderSetup() {
  app.replaceChildren(header(), h('div', { class: 'state' },
    h('p', {}, 'Connect the extension to your Stagecraft server with a personal API token.'),
    h('button', { class: 'btn primary', onclick: () => chrome.runtime.openOptionsPage() }, 'Open options')));
}

function renderFatal(err) {
  app.replaceChildren(header(), h('div', { class: 'banner', role: 'alert' }, messageOf(err)),
    h('div', { class: 'state' },
      h('button', { class: 'btn', onclick: () => start() }, 'Try again'), ' ',
      h('button', { class: 'btn', onclick: () => chrome.runtime.openOptionsPage() }, 'Open options')));
}

function chipGroup(facet, selected, label) {
  const terms = [...(state.taxonomy[facet] ?? [])].sort((a, b) => a.order - b.order);
  return h('div', { role: 'group', 'aria-label': label, class: 'chips' },
    terms.map((t) => h('button', {
      class: 'chip', type: 'button', 'aria-pressed': String(selected.includes(t.key)),
      onclick: () => {
        const list = facet === 'stages' ? state.stages : state.personas;
        const next = list.includes(t.key) ? list.filter((k) => k !== t.key) : [...list, t.key];
        if (facet === 'stages') state.stages = next;
        else state.personas = next;
        search();
      },
    }, t.label)));
}

/** optionsBox is the link options, folded under a summary of them. */
function optionsBox() {
  const o = state.options;
  const set = (k, v) => {
    state.options = { ...state.options, [k]: v };
    render();
  };
  const check = (id, key, label) => h('label', { class: 'check' },
    h('input', { id, type: 'checkbox', checked: o[key], onchange: (e) => set(key, e.target.checked) }), label);
  return h('details', { class: 'options', open: state.optionsOpen, ontoggle: (e) => { state.optionsOpen = e.target.open; } },
    h('summary', {}, 'Link options: ', h('span', { class: 'muted' }, summary(o))),
    check('opt-email', 'requireEmail', 'Require email to view'),
    check('opt-passcode-on', 'passcodeOn', 'Protect with a passcode'),
    o.passcodeOn
      ? h('input', { id: 'opt-passcode', type: 'password', 'aria-label': 'Passcode', autocomplete: 'new-password', maxlength: passcodeMax,
        placeholder: 'At least 4 characters', value: o.passcode, oninput: (e) => { state.options = { ...state.options, passcode: e.target.value }; } })
      : null,
    check('opt-download', 'allowDownload', 'Allow downloads'),
    check('opt-notify', 'notify', 'Notify me when opened'));
}

function render() {
  if (!state.me) return;
  const hint = dealHint({ q: state.dealQ.trim(), shown: state.deals.length, total: state.dealTotal });
  const listed = withChosen(state.deals, state.chosenDeal);
  const controls = h('div', { class: 'controls' },
    // The search box shows once there are more deals than one list holds.
    state.dealQ || state.dealTotal > state.deals.length
      ? h('label', {}, 'Find a deal',
        h('input', { id: 'deal-q', type: 'search', value: state.dealQ, placeholder: 'Name, account or CRM id', autocomplete: 'off',
          oninput: (e) => { state.dealQ = e.target.value; findDeals(); } }))
      : null,
    h('label', {}, 'Deal',
      h('select', { id: 'deal', onchange: (e) => chooseDeal(e.target.value), 'aria-describedby': hint ? 'deal-hint' : null },
        h('option', { value: '' }, listed.length ? 'No deal' : 'No open deals'),
        listed.map((d) => h('option', { value: d.id, selected: d.id === state.deal }, dealLabel(d))))),
    hint ? h('div', { class: 'hint', id: 'deal-hint', role: 'status' }, hint) : null,
    h('label', {}, 'Recipient',
      h('input', { id: 'recipient', type: 'email', value: state.recipient, placeholder: 'buyer@prospect.com',
        oninput: (e) => { state.recipient = e.target.value; } })),
    optionsBox(),
    h('label', {}, 'Search',
      h('input', { id: 'q', type: 'search', value: state.q, placeholder: 'Words in the collateral…', autocomplete: 'off',
        oninput: (e) => { state.q = e.target.value; search(200); } })),
    chipGroup('stages', state.stages, 'Stages'),
    chipGroup('personas', state.personas, 'Personas'));

  const list = h('section', { class: 'results', 'aria-label': 'Results', 'aria-busy': String(state.searching) },
    !state.hits.length && !state.searching
      ? h('div', { class: 'state' }, 'Nothing matches. Try other words, or fewer filters.')
      : state.hits.map((hit) => h('article', { class: 'result', 'aria-label': hit.asset.title },
        h('div', { class: 'meta' }, hit.asset.type),
        h('h3', {}, hit.highlights?.title ? snippet(hit.highlights.title) : hit.asset.title),
        hit.highlights?.text ? h('p', {}, snippet(hit.highlights.text)) : (hit.asset.description ? h('p', {}, hit.asset.description) : null),
        h('div', { class: 'row' },
          canInsert
            ? h('button', { class: 'btn primary', disabled: !!state.busy, onclick: () => share(hit, 'insert') },
              state.busy === hit.asset.id ? 'Inserting…' : 'Insert link')
            : null,
          h('button', { class: `btn ${canInsert ? '' : 'primary'}`, disabled: !!state.busy, onclick: () => share(hit, 'copy') },
            'Copy link')))));

  // Focus survives a re-render of the field being typed in.
  const focused = document.activeElement?.id;
  const caret = focused ? document.activeElement.selectionStart : null;
  app.replaceChildren(...[header(),
    state.message ? h('div', { class: `banner ${state.message.ok ? 'ok' : ''}`, role: state.message.ok ? 'status' : 'alert' }, state.message.text) : null,
    state.lastLink && !state.message?.text?.startsWith('Inserted')
      ? h('div', { class: 'controls' }, h('input', { readonly: true, value: state.lastLink.url, 'aria-label': 'Tracked link', class: 'link-out',
        onfocus: (e) => e.target.select() }))
      : null,
    controls, list].filter(Boolean));
  if (focused) {
    const el = document.getElementById(focused);
    if (el) {
      el.focus();
      if (caret !== null && 'setSelectionRange' in el && (el.type === 'search' || el.type === 'text')) el.setSelectionRange(caret, caret);
    }
  }
}

start();
