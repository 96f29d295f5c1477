// Formatting of numbers, sizes and times for display, in the browser's
// locale through Intl. Every function takes an optional locale so tests
// can pin one; left out, the browser's own applies.

const nf = (locale: string | undefined, o: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, o);

/** num formats a count with the locale's grouping: 12,345 or 12.345. */
export function num(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return nf(locale, { maximumFractionDigits: 1 }).format(n);
}

/** percent formats a rate in [0, 1]; null (no data) becomes an em dash. */
export function percent(rate: number | null | undefined, digits = 0, locale?: string): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return nf(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate);
}

/** points formats a difference of rates in percentage points, signed. */
export function points(diff: number | null | undefined, digits = 0, locale?: string): string {
  if (diff === null || diff === undefined || Number.isNaN(diff)) return '—';
  const v = diff * 100;
  const f = nf(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (Number(Math.abs(v).toFixed(digits)) === 0) return `±${f.format(0)} pts`;
  return `${v > 0 ? '+' : '−'}${f.format(Math.abs(v))} pts`;
}

/** interval formats a confidence interval as a percentage range, "31%–58%". */
export function interval(ci: [number, number] | null | undefined, locale?: string): string {
  if (!ci) return '—';
  const f = nf(locale, { style: 'percent', maximumFractionDigits: 0 });
  return `${f.format(ci[0])}–${f.format(ci[1])}`;
}

const units = ['B', 'KB', 'MB', 'GB', 'TB'];

/** bytes formats a size with binary multiples, as file managers do. */
export function bytes(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i > 0 && v < 10 ? 1 : 0;
  return `${nf(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** money formats an amount in a currency (USD when none), without cents
 * above a thousand. */
export function money(n: number | null | undefined, currency = 'USD', locale?: string): string {
  if (n === null || n === undefined) return '—';
  const cur = /^[A-Z]{3}$/.test(currency) ? currency : 'USD';
  const big = Math.abs(n) >= 1000;
  return nf(locale, { style: 'currency', currency: cur, maximumFractionDigits: big ? 0 : 2, minimumFractionDigits: 0 }).format(n);
}

/** compact formats large counts as 1.2K, 3.4M. */
export function compact(n: number, locale?: string): string {
  return nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** relativeTime says how long ago t was ("3 hours ago", "yesterday");
 * future times read "in 2 days"; no time is "never". now is injectable
 * for tests. */
export function relativeTime(t: string | Date | null | undefined, now: Date = new Date(), locale?: string): string {
  if (!t) return 'never';
  return relative(typeof t === 'string' ? new Date(t) : t, now, locale);
}

/** localRelative is relativeTime with an em dash for no time. */
export function localRelative(t: string | null | undefined, now: Date = new Date(), locale?: string): string {
  if (!t) return '—';
  return relative(new Date(t), now, locale);
}

function relative(d: Date, now: Date, locale?: string): string {
  if (Number.isNaN(d.getTime())) return '—';
  const secs = Math.round((d.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(secs);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  if (abs < 604800) return rtf.format(Math.round(secs / 86400), 'day');
  if (abs < 2629800) return rtf.format(Math.round(secs / 604800), 'week');
  if (abs < 31557600) return rtf.format(Math.round(secs / 2629800), 'month');
  return rtf.format(Math.round(secs / 31557600), 'year');
}

/** date formats the day of a time in the locale ("2 Dec 2026", "Dec 2,
 * 2026"). The day is UTC's: expiry dates are kept as the end of a UTC day. */
export function date(t: string | null | undefined, locale?: string): string {
  if (!t) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** shortDay formats a day as month and day only ("2 Dec", "Dec 2"), UTC,
 * for chart axes. */
export function shortDay(t: string | null | undefined, locale?: string): string {
  if (!t) return '';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/** dateTime formats a time in UTC with its zone named, "2 Dec 2026, 14:05
 * UTC" (UTC, as date filters are read by the server). */
export function dateTime(t: string | null | undefined, locale?: string): string {
  if (!t) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short',
  }).format(d);
}

/** toDateInput renders an RFC 3339 time for <input type="date">. */
export function toDateInput(t: string | null | undefined): string {
  return t ? t.slice(0, 10) : '';
}

/** fromDateInput turns an <input type="date"> value into an RFC 3339 time
 * at the end of that day (UTC), or null when empty. */
export function fromDateInput(v: string, endOfDay = true): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  return `${v}T${endOfDay ? '23:59:59' : '00:00:00'}Z`;
}

/** plural picks "1 asset" or "3 assets", the count in the locale. */
export function plural(n: number, one: string, many = `${one}s`, locale?: string): string {
  return `${nf(locale, {}).format(n)} ${n === 1 ? one : many}`;
}

/** resultCount says how many results a search found: "12 results", or
 * "1,000+ results" when the server counted only the first 1,000. */
export function resultCount(total: number, estimated?: boolean, locale?: string): string {
  if (!estimated) return plural(total, 'result', 'results', locale);
  return `${nf(locale, {}).format(total)}+ results`;
}

/** duration formats seconds of reading as "45 s", "3 min 20 s" or
 * "1 h 5 min", in the browser's locale (locale injectable for tests). */
export function duration(seconds: number | null | undefined, locale?: string): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds) || seconds < 0) return '—';
  const unit = (n: number, u: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 0 }).format(n);
  const s = Math.round(seconds);
  if (s < 60) return unit(s, 'second');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m ? `${unit(h, 'hour')} ${unit(m, 'minute')}` : unit(h, 'hour');
  return rest ? `${unit(m, 'minute')} ${unit(rest, 'second')}` : unit(m, 'minute');
}

/** localDateTime formats a time in the browser's locale and time zone,
 * as "3 Dec 2026, 14:05" (locale and zone injectable for tests). */
export function localDateTime(t: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!t) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}
