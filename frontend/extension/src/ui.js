// Small DOM helpers shared by the panel and the options page.

/** h creates an element: h('button', { class: 'x', onclick }, 'Label'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Search snippets: HTML-escaped text with matches wrapped in <mark>…</mark>.
// The web app reads them the same way (frontend/web/src/lib/highlight.tsx);
// both are tested against frontend/shared/highlight-cases.json.

// A Map, not an object: "&constructor;" must not find Object.prototype's.
const entities = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', '\u00a0']]);

/** decode turns the HTML escapes the server writes back into text, once:
 * named (amp, lt, gt, quot, apos, nbsp) and numeric references to a
 * Unicode scalar value. Anything else is left as written. */
function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e.startsWith('#')) {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      const scalar = n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
      return scalar ? String.fromCodePoint(n) : m;
    }
    return entities.get(e.toLowerCase()) ?? m;
  });
}

/** segments splits a snippet into runs of plain and marked text. Only the
 * exact tags <mark> and </mark> count; anything else is text. Marks nest
 * as in HTML: an unclosed one runs to the end, a stray </mark> is dropped. */
export function segments(s) {
  const out = [];
  let depth = 0;
  for (const part of String(s ?? '').split(/(<\/?mark>)/)) {
    if (part === '<mark>') depth++;
    else if (part === '</mark>') depth = Math.max(0, depth - 1);
    else if (part) {
      const text = decode(part);
      const last = out.at(-1);
      if (last && last.marked === depth > 0) last.text += text;
      else out.push({ text, marked: depth > 0 });
    }
  }
  return out;
}

/** snippet builds a search snippet's nodes: text, with <mark> kept as the
 * only markup (nothing from the server becomes HTML). */
export function snippet(s) {
  return segments(s).map((r) => (r.marked ? h('mark', {}, r.text) : document.createTextNode(r.text)));
}
