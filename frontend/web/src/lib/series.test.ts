import { describe, expect, it } from 'vitest';
import { fillWeeks } from './series';

describe('fillWeeks', () => {
  it('fills quiet weeks with zeros', () => {
    expect(fillWeeks([
      { week: '2026-01-05', uses: 2, link_opens: 1 },
      { week: '2026-01-26', uses: 1, link_opens: 0 },
    ])).toEqual([
      { week: '2026-01-05', uses: 2, link_opens: 1 },
      { week: '2026-01-12', uses: 0, link_opens: 0 },
      { week: '2026-01-19', uses: 0, link_opens: 0 },
      { week: '2026-01-26', uses: 1, link_opens: 0 },
    ]);
  });
  it('crosses a year end', () => {
    const out = fillWeeks([{ week: '2025-12-22', uses: 1, link_opens: 0 }, { week: '2026-01-05', uses: 1, link_opens: 0 }]);
    expect(out.map((w) => w.week)).toEqual(['2025-12-22', '2025-12-29', '2026-01-05']);
  });
  it('leaves short series alone', () => {
    expect(fillWeeks([])).toEqual([]);
    expect(fillWeeks([{ week: '2026-01-05', uses: 1, link_opens: 0 }])).toHaveLength(1);
  });
});
