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

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return entities[e.toLowerCase()] ?? m;
  });
}

/** snippet builds a search snippet's nodes: text, with <mark> kept as the
 * only markup (nothing from the server becomes HTML). */
export function snippet(s) {
  const out = [];
  for (const part of String(s ?? '').split(/(<mark>[\s\S]*?<\/mark>)/g)) {
    if (!part) continue;
    const m = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
    const text = decode((m ? m[1] : part).replace(/<[^>]*>/g, ''));
    out.push(m ? h('mark', {}, text) : document.createTextNode(text));
  }
  return out;
}
