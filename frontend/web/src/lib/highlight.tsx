import type { ReactNode } from 'react';

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: '\u00a0' };

/** decodeEntities turns the HTML escapes the server writes back into text. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return entities[e.toLowerCase()] ?? m;
  });
}

/** highlight renders a server snippet in which matches are wrapped in
 * <mark>…</mark>. Nothing of it becomes markup except those marks: every
 * other part is text, so a snippet can never inject HTML. */
export function highlight(snippet: string | undefined | null): ReactNode[] {
  if (!snippet) return [];
  const out: ReactNode[] = [];
  const parts = snippet.split(/(<mark>[\s\S]*?<\/mark>)/g);
  parts.forEach((p, i) => {
    if (!p) return;
    const m = /^<mark>([\s\S]*)<\/mark>$/.exec(p);
    if (m) out.push(<mark key={i}>{decodeEntities(m[1].replace(/<[^>]*>/g, ''))}</mark>);
    else out.push(decodeEntities(p.replace(/<[^>]*>/g, '')));
  });
  return out;
}
