import { describe, expect, it } from 'vitest';
import { attentionBars, pageBars, visitorName } from './visits';

describe('pageBars', () => {
  it('draws every page of the document, unread ones skipped', () => {
    expect(pageBars([{ page: 1, seconds: 12 }, { page: 3, seconds: 4 }], 4)).toEqual([
      { page: 1, seconds: 12, skipped: false },
      { page: 2, seconds: 0, skipped: true },
      { page: 3, seconds: 4, skipped: false },
      { page: 4, seconds: 0, skipped: true },
    ]);
  });
  it('runs to the last page read when the count is unknown or short', () => {
    expect(pageBars([{ page: 2, seconds: 5 }], null).map((b) => b.page)).toEqual([1, 2]);
    expect(pageBars([{ page: 3, seconds: 5 }], 2)).toHaveLength(3);
  });
  it('adds repeated pages and ignores nonsense', () => {
    expect(pageBars([{ page: 1, seconds: 2 }, { page: 1, seconds: 3 }, { page: 0, seconds: 9 }, { page: 2, seconds: -4 }], 2))
      .toEqual([{ page: 1, seconds: 5, skipped: false }, { page: 2, seconds: 0, skipped: true }]);
  });
  it('is empty without pages', () => expect(pageBars(null, 0)).toEqual([]));
});

describe('attentionBars', () => {
  it('fills pages no visit reached', () => {
    const bars = attentionBars([{ page: 1, visits: 10, reach: 1, median_seconds: 9 }, { page: 3, visits: 10, reach: 0.2, median_seconds: 4 }], 3);
    expect(bars.map((b) => [b.page, b.reach, b.skipped])).toEqual([[1, 1, false], [2, 0, true], [3, 0.2, false]]);
  });
});

describe('visitorName', () => {
  it('names anonymous visitors', () => {
    expect(visitorName({ visitor_email: null })).toBe('Anonymous visitor');
    expect(visitorName({ visitor_email: 'cio@acme.example' })).toBe('cio@acme.example');
  });
});
