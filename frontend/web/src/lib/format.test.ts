import { describe, expect, it } from 'vitest';
import { bytes, compact, date, dateTime, fromDateInput, interval, money, percent, plural, points, resultCount, relativeTime, toDateInput, duration, localDateTime, localRelative } from './format';

describe('percent', () => {
  it.each([
    [0.5, 0, '50%'],
    [0.1234, 1, '12.3%'],
    [0, 0, '0%'],
    [1, 0, '100%'],
    [null, 0, '—'],
    [undefined, 0, '—'],
    [Number.NaN, 0, '—'],
  ])('percent(%s, %s) = %s', (v, d, want) => expect(percent(v as number | null, d)).toBe(want));
});

describe('points', () => {
  it.each([
    [0.155, '+16 pts'],
    [-0.07, '−7 pts'],
    [0.001, '±0 pts'],
    [-0.004, '±0 pts'],
    [null, '—'],
  ])('points(%s) = %s', (v, want) => expect(points(v)).toBe(want));
});

describe('interval', () => {
  it('rounds both ends', () => expect(interval([0.3149, 0.5851])).toBe('31–59%'));
  it('shows a dash without an interval', () => expect(interval(null)).toBe('—'));
});

describe('bytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [5 * 1024 * 1024 + 1, '5.0 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
    [-1, '—'],
    [null, '—'],
  ])('bytes(%s) = %s', (n, want) => expect(bytes(n)).toBe(want));
});

describe('money', () => {
  it('drops cents above a thousand', () => expect(money(125000, 'USD')).toBe('$125,000'));
  it('keeps cents below', () => expect(money(12.5, 'USD')).toBe('$12.5'));
  it('uses the currency', () => expect(money(2000, 'EUR')).toBe('€2,000'));
  it('falls back to USD for a malformed currency', () => expect(money(2000, 'dollars')).toBe('$2,000'));
  it('shows a dash for no amount', () => expect(money(null)).toBe('—'));
});

describe('relativeTime', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  it.each([
    ['2026-12-02T11:59:30Z', 'just now'],
    ['2026-12-02T11:55:00Z', '5 minutes ago'],
    ['2026-12-02T09:00:00Z', '3 hours ago'],
    ['2026-12-01T12:00:00Z', 'yesterday'],
    ['2026-11-18T12:00:00Z', '2 weeks ago'],
    ['2026-08-02T12:00:00Z', '4 months ago'],
    ['2024-12-02T12:00:00Z', '2 years ago'],
    ['2026-12-04T12:00:00Z', 'in 2 days'],
  ])('%s is %s', (t, want) => expect(relativeTime(t, now)).toBe(want));
  it('says never for no time', () => expect(relativeTime(null, now)).toBe('never'));
});

describe('dates', () => {
  it('formats a day', () => expect(date('2026-12-02T23:30:00Z')).toBe('2 Dec 2026'));
  it('formats a time in UTC', () => {
    expect(dateTime('2026-12-02T23:30:05+01:00')).toBe('2 Dec 2026, 22:30 UTC');
    expect(dateTime(null)).toBe('—');
  });
  it('round-trips a date input', () => {
    expect(toDateInput('2027-01-31T23:59:59Z')).toBe('2027-01-31');
    expect(fromDateInput('2027-01-31')).toBe('2027-01-31T23:59:59Z');
    expect(fromDateInput('2027-01-31', false)).toBe('2027-01-31T00:00:00Z');
  });
  it('refuses malformed dates', () => {
    expect(fromDateInput('')).toBeNull();
    expect(fromDateInput('31/01/2027')).toBeNull();
  });
});

describe('resultCount', () => {
  it('is exact unless the server stopped counting', () => {
    expect(resultCount(1, false)).toBe('1 result');
    expect(resultCount(12)).toBe('12 results');
    expect(resultCount(1000, true)).toBe('1,000+ results');
  });
});

describe('plural and compact', () => {
  it('pluralises', () => {
    expect(plural(1, 'page')).toBe('1 page');
    expect(plural(0, 'page')).toBe('0 pages');
    expect(plural(1200, 'match', 'matches')).toBe('1,200 matches');
  });
  it('compacts', () => expect(compact(1234)).toBe('1.2K'));
});

describe('duration and local times', () => {
  it('reads durations', () => {
    expect(duration(45, 'en-US')).toBe('45 sec');
    expect(duration(200, 'en-US')).toBe('3 min 20 sec');
    expect(duration(3900, 'en-US')).toBe('1 hr 5 min');
    expect(duration(120, 'en-US')).toBe('2 min');
    expect(duration(null)).toBe('—');
  });
  it('uses the locale', () => {
    expect(localDateTime('2026-12-03T14:05:00Z', 'en-GB', 'UTC')).toBe('3 Dec 2026, 14:05');
    expect(localRelative('2026-12-03T12:00:00Z', new Date('2026-12-03T14:00:00Z'), 'en')).toBe('2 hours ago');
    expect(localRelative(null)).toBe('—');
  });
});
