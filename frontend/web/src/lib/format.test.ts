import { describe, expect, it } from 'vitest';
import {
  bytes, compact, date, dateTime, duration, fromDateInput, interval, localDateTime, localRelative, money, num, percent,
  plural, points, relativeTime, resultCount, shortDay, toDateInput,
} from './format';

// Every formatter follows the browser's locale; the tests pin locales so
// they read the same on any machine, and check that the locale is used.

/** sp turns the locales' no-break spaces into plain ones, for readable expectations. */
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('percent', () => {
  it.each([
    [0.5, 0, 'en-US', '50%'],
    [0.1234, 1, 'en-US', '12.3%'],
    [0.1234, 1, 'de-DE', '12,3 %'],
    [0.1234, 1, 'fr-FR', '12,3 %'],
    [0, 0, 'en-US', '0%'],
    [1, 0, 'en-US', '100%'],
    [null, 0, 'en-US', '—'],
    [undefined, 0, 'en-US', '—'],
    [Number.NaN, 0, 'en-US', '—'],
  ])('percent(%s, %s) in %s = %s', (v, d, loc, want) => expect(sp(percent(v as number | null, d, loc))).toBe(want));
});

describe('points', () => {
  it.each([
    [0.155, 0, 'en-US', '+16 pts'],
    [-0.07, 0, 'en-US', '−7 pts'],
    [0.001, 0, 'en-US', '±0 pts'],
    [-0.004, 0, 'en-US', '±0 pts'],
    [0.1234, 1, 'de-DE', '+12,3 pts'],
    [null, 0, 'en-US', '—'],
  ])('points(%s, %s) in %s = %s', (v, d, loc, want) => expect(points(v, d, loc)).toBe(want));
});

describe('interval', () => {
  it('rounds both ends', () => expect(interval([0.3149, 0.5851], 'en-US')).toBe('31%–59%'));
  it('uses the locale', () => expect(sp(interval([0.3149, 0.5851], 'de-DE'))).toBe('31 %–59 %'));
  it('shows a dash without an interval', () => expect(interval(null)).toBe('—'));
});

describe('bytes', () => {
  it.each([
    [0, 'en-US', '0 B'],
    [1023, 'en-US', '1,023 B'],
    [1024, 'en-US', '1.0 KB'],
    [1536, 'en-US', '1.5 KB'],
    [1536, 'de-DE', '1,5 KB'],
    [10 * 1024, 'en-US', '10 KB'],
    [5 * 1024 * 1024 + 1, 'en-US', '5.0 MB'],
    [3 * 1024 ** 3, 'en-US', '3.0 GB'],
    [-1, 'en-US', '—'],
    [null, 'en-US', '—'],
  ])('bytes(%s) in %s = %s', (n, loc, want) => expect(bytes(n, loc)).toBe(want));
});

describe('money', () => {
  it('drops cents above a thousand', () => expect(money(125000, 'USD', 'en-US')).toBe('$125,000'));
  it('keeps cents below', () => expect(money(12.5, 'USD', 'en-US')).toBe('$12.5'));
  it('uses the currency', () => expect(money(2000, 'EUR', 'en-US')).toBe('€2,000'));
  it('uses the locale', () => expect(sp(money(2000, 'EUR', 'de-DE'))).toBe('2.000 €'));
  it('falls back to USD for a malformed currency', () => expect(money(2000, 'dollars', 'en-US')).toBe('$2,000'));
  it('shows a dash for no amount', () => expect(money(null)).toBe('—'));
});

describe('relativeTime', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  it.each([
    ['2026-12-02T11:59:30Z', 'en', 'now'],
    ['2026-12-02T11:55:00Z', 'en', '5 minutes ago'],
    ['2026-12-02T09:00:00Z', 'en', '3 hours ago'],
    ['2026-12-01T12:00:00Z', 'en', 'yesterday'],
    ['2026-11-18T12:00:00Z', 'en', '2 weeks ago'],
    ['2026-08-02T12:00:00Z', 'en', '4 months ago'],
    ['2024-12-02T12:00:00Z', 'en', '2 years ago'],
    ['2026-12-04T12:00:00Z', 'en', 'in 2 days'],
    ['2026-12-02T09:00:00Z', 'de', 'vor 3 Stunden'],
    ['2026-12-01T12:00:00Z', 'fr', 'hier'],
  ])('%s in %s is %s', (t, loc, want) => expect(relativeTime(t, now, loc)).toBe(want));
  it('says never for no time', () => expect(relativeTime(null, now)).toBe('never'));
  it('shows a dash for a malformed time', () => expect(relativeTime('soon', now, 'en')).toBe('—'));
});

describe('dates', () => {
  it.each([
    ['en-GB', '2 Dec 2026'],
    ['en-US', 'Dec 2, 2026'],
    ['de-DE', '02.12.2026'],
  ])('formats a day in %s as %s', (loc, want) => expect(date('2026-12-02T23:30:00Z', loc)).toBe(want));
  it('formats a chart day', () => {
    expect(shortDay('2026-11-30', 'en-GB')).toBe('30 Nov');
    expect(shortDay('2026-11-30', 'en-US')).toBe('Nov 30');
    expect(shortDay('nonsense')).toBe('');
  });
  it('formats a time in UTC, naming the zone', () => {
    expect(dateTime('2026-12-02T23:30:05+01:00', 'en-GB')).toBe('2 Dec 2026, 22:30 UTC');
    expect(dateTime('2026-12-02T23:30:05+01:00', 'en-US')).toBe('Dec 2, 2026, 10:30 PM UTC');
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
    expect(resultCount(1, false, 'en-US')).toBe('1 result');
    expect(resultCount(12, undefined, 'en-US')).toBe('12 results');
    expect(resultCount(1000, true, 'en-US')).toBe('1,000+ results');
    expect(resultCount(1000, true, 'de-DE')).toBe('1.000+ results');
  });
});

describe('plural, num and compact', () => {
  it('pluralises', () => {
    expect(plural(1, 'page', undefined, 'en-US')).toBe('1 page');
    expect(plural(0, 'page', undefined, 'en-US')).toBe('0 pages');
    expect(plural(1200, 'match', 'matches', 'en-US')).toBe('1,200 matches');
    expect(plural(1200, 'match', 'matches', 'de-DE')).toBe('1.200 matches');
  });
  it('groups counts', () => {
    expect(num(12345, 'en-US')).toBe('12,345');
    expect(num(12345, 'de-DE')).toBe('12.345');
    expect(num(null)).toBe('—');
  });
  it('compacts', () => {
    expect(compact(1234, 'en-US')).toBe('1.2K');
    expect(compact(1234, 'de-DE')).toBe('1234');
  });
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
