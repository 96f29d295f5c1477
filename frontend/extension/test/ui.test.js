import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { h, snippet } from '../src/ui.js';

// The cases the web app's highlighting is tested against too (no bundler
// here to import JSON, so it is read from disk). The path is built from a
// string: jsdom's URL is not the URL node:fs accepts.
const casesFile = join(dirname(fileURLToPath(import.meta.url)), '../../shared/highlight-cases.json');
const shared = JSON.parse(readFileSync(casesFile, 'utf8'));

/** segments reads back what the panel shows: text nodes and <mark>s
 * holding only text; any other node fails the test. */
function segments(nodes) {
  const p = h('p', {}, nodes);
  return Array.from(p.childNodes, (n) => {
    if (n.nodeType === Node.TEXT_NODE) return { text: n.textContent };
    if (n instanceof HTMLElement && n.tagName === 'MARK' && n.children.length === 0) return { mark: n.textContent };
    throw new Error(`unexpected ${n.nodeName} in the snippet`);
  });
}

describe('snippet', () => {
  it('has the shared cases', () => expect(shared.cases.length).toBeGreaterThan(20));
  it.each(shared.cases)('$name', ({ input, segments: want }) => {
    expect(segments(snippet(input))).toEqual(want);
  });
  it('returns nothing for a missing snippet', () => {
    expect(snippet(undefined)).toEqual([]);
    expect(snippet(null)).toEqual([]);
  });
});

describe('h', () => {
  it('sets attributes, classes and listeners, and appends children as text', () => {
    let clicked = 0;
    const b = h('button', { class: 'btn', disabled: true, title: 'Go', hidden: false, onclick: () => clicked++ }, 'Go <b>', null, ['!']);
    expect(b.className).toBe('btn');
    expect(b.hasAttribute('disabled')).toBe(true);
    expect(b.hasAttribute('hidden')).toBe(false);
    expect(b.textContent).toBe('Go <b>!');
    expect(b.querySelector('b')).toBeNull();
    b.disabled = false;
    b.click();
    expect(clicked).toBe(1);
  });
});
