import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
// The cases the extension's snippets are tested against too.
import shared from '../../../shared/highlight-cases.json';
import { decodeEntities, highlight } from './highlight';

type Shown = { text: string } | { mark: string };

function html(snippet: string) {
  const { container } = render(<p>{highlight(snippet)}</p>);
  return container.querySelector('p')!;
}

/** segments reads back what the page shows: text nodes and <mark>s
 * holding only text; any other node fails the test. */
function segments(p: HTMLElement): Shown[] {
  return Array.from(p.childNodes, (n): Shown => {
    if (n.nodeType === Node.TEXT_NODE) return { text: n.textContent ?? '' };
    if (n instanceof HTMLElement && n.tagName === 'MARK' && n.children.length === 0) return { mark: n.textContent };
    throw new Error(`unexpected ${n.nodeName} in the snippet`);
  });
}

describe('highlight', () => {
  it.each(shared.cases)('$name', ({ input, segments: want }) => {
    expect(segments(html(input))).toEqual(want);
  });
  it('marks matches', () => {
    const p = html('… data <mark>encryption</mark> at rest and <mark>encryption</mark> keys …');
    expect(p.querySelectorAll('mark')).toHaveLength(2);
    expect(p.textContent).toBe('… data encryption at rest and encryption keys …');
  });
  it('shows escaped markup as text, never as elements', () => {
    const p = html('&lt;img src=x onerror=alert(1)&gt; <mark>R&amp;D</mark>');
    expect(p.querySelector('img')).toBeNull();
    expect(p.textContent).toBe('<img src=x onerror=alert(1)> R&D');
    expect(p.querySelector('mark')!.textContent).toBe('R&D');
  });
  it('shows raw tags other than mark as text, even if the server sent them', () => {
    const p = html('<script>alert(1)</script>safe <b>bold</b>');
    expect(p.querySelector('script')).toBeNull();
    expect(p.querySelector('b')).toBeNull();
    expect(p.textContent).toBe('<script>alert(1)</script>safe <b>bold</b>');
  });
  it('returns nothing for an empty snippet', () => {
    expect(highlight('')).toEqual([]);
    expect(highlight(undefined)).toEqual([]);
    expect(highlight(null)).toEqual([]);
  });
});

describe('decodeEntities', () => {
  it.each([
    ['&amp;&lt;&gt;&quot;&#39;', '&<>"\''],
    ['&#x41;&#66;', 'AB'],
    ['&unknown; stays', '&unknown; stays'],
    ['&#0; stays', '&#0; stays'],
    ['&#xDFFF; stays', '&#xDFFF; stays'],
    ['&amp;amp; once', '&amp; once'],
  ])('%s → %s', (s, want) => expect(decodeEntities(s)).toBe(want));
});
