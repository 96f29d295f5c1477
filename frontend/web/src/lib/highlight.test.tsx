import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { decodeEntities, highlight } from './highlight';

function html(snippet: string) {
  const { container } = render(<p>{highlight(snippet)}</p>);
  return container.querySelector('p')!;
}

describe('highlight', () => {
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
  it('drops raw tags other than mark, even if the server sent them', () => {
    const p = html('<script>alert(1)</script>safe <b>bold</b>');
    expect(p.querySelector('script')).toBeNull();
    expect(p.querySelector('b')).toBeNull();
    expect(p.textContent).toBe('alert(1)safe bold');
  });
  it('returns nothing for an empty snippet', () => {
    expect(highlight('')).toEqual([]);
    expect(highlight(undefined)).toEqual([]);
  });
});

describe('decodeEntities', () => {
  it.each([
    ['&amp;&lt;&gt;&quot;&#39;', '&<>"\''],
    ['&#x41;&#66;', 'AB'],
    ['&unknown; stays', '&unknown; stays'],
    ['&#0; stays', '&#0; stays'],
  ])('%s → %s', (s, want) => expect(decodeEntities(s)).toBe(want));
});
