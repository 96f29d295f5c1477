import type { ReactNode } from 'react';

// Search snippets: HTML-escaped text with matches wrapped in <mark>…</mark>.
// The extension reads them the same way (frontend/extension/src/ui.js);
// both are tested against frontend/shared/highlight-cases.json.

// A Map, not an object: "&constructor;" must not find Object.prototype's.
const entities = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', '\u00a0']]);

/** decodeEntities turns the HTML escapes the server writes back into text,
 * once: named (amp, lt, gt, quot, apos, nbsp) and numeric references to a
 * Unicode scalar value. Anything else is left as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e.startsWith('#')) {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      const scalar = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return scalar ? String.fromCodePoint(code) : m;
    }
    return entities.get(e.toLowerCase()) ?? m;
  });
}

export interface Segment {
  text: string;
  marked: boolean;
}

/** segments splits a snippet into runs of plain and marked text. Only the
 * exact tags <mark> and </mark> count; anything else is text. Marks nest
 * as in HTML: an unclosed one runs to the end, a stray </mark> is dropped. */
export function segments(snippet: string): Segment[] {
  const out: Segment[] = [];
  let depth = 0;
  for (const part of snippet.split(/(<\/?mark>)/)) {
    if (part === '<mark>') depth++;
    else if (part === '</mark>') depth = Math.max(0, depth - 1);
    else if (part) {
      const text = decodeEntities(part);
      const last = out.at(-1);
      if (last && last.marked === depth > 0) last.text += text;
      else out.push({ text, marked: depth > 0 });
    }
  }
  return out;
}

/** highlight renders a server snippet in which matches are wrapped in
 * <mark>…</mark>. Nothing of it becomes markup except those marks: every
 * other part is text, so a snippet can never inject HTML. */
export function highlight(snippet: string | undefined | null): ReactNode[] {
  if (!snippet) return [];
  return segments(snippet).map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : s.text));
}
