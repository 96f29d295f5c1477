// Formatting of numbers, sizes and times for display.

/** percent formats a rate in [0, 1]; null (no data) becomes an em dash. */
export function percent(rate: number | null | undefined, digits = 0): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** points formats a difference of rates in percentage points, signed. */
export function points(diff: number | null | undefined, digits = 0): string {
  if (diff === null || diff === undefined || Number.isNaN(diff)) return '—';
  const v = diff * 100;
  const s = Math.abs(v).toFixed(digits);
  if (Number(s) === 0) return `±0 pts`;
  return `${v > 0 ? '+' : '−'}${s} pts`;
}

/** interval formats a confidence interval as "31–58%". */
export function interval(ci: [number, number] | null | undefined): string {
  if (!ci) return '—';
  return `${Math.round(ci[0] * 100)}–${Math.round(ci[1] * 100)}%`;
}

const units = ['B', 'KB', 'MB', 'GB', 'TB'];

/** bytes formats a size with binary multiples, as file managers do. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** money formats an amount in a currency (USD when none), without cents
 * above a thousand. */
export function money(n: number | null | undefined, currency = 'USD'): string {
  if (n === null || n === undefined) return '—';
  const cur = /^[A-Z]{3}$/.test(currency) ? currency : 'USD';
  const big = Math.abs(n) >= 1000;
  return new Intl.NumberFormat('en-US', {
    style: 'currency', currency: cur, maximumFractionDigits: big ? 0 : 2, minimumFractionDigits: 0,
  }).format(n);
}

/** compact formats large counts as 1.2k, 3.4M. */
export function compact(n: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** relativeTime says how long ago t was ("3 hours ago"); future times
 * read "in 2 days". now is injectable for tests. */
export function relativeTime(t: string | Date | null | undefined, now: Date = new Date()): string {
  if (!t) return 'never';
  const d = typeof t === 'string' ? new Date(t) : t;
  const secs = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60, 'second'], [3600, 'minute'], [86400, 'hour'], [604800, 'day'], [2629800, 'week'], [31557600, 'month'],
  ];
  let unit: Intl.RelativeTimeFormatUnit = 'year';
  let div = 31557600;
  for (let i = 0; i < steps.length; i++) {
    if (abs < steps[i][0]) {
      unit = steps[i][1];
      div = i === 0 ? 1 : steps[i - 1][0];
      break;
    }
  }
  return rtf.format(Math.round(secs / div), unit);
}

/** date formats a time as "2 Dec 2026". */
export function date(t: string | null | undefined): string {
  if (!t) return '—';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(t));
}

/** dateTime formats a time as "2 Dec 2026, 14:05 UTC" (UTC, as date
 * filters are read by the server). */
export function dateTime(t: string | null | undefined): string {
  if (!t) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return `${new Intl.DateTimeFormat('en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC',
  }).format(d)} UTC`;
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

/** plural picks "1 asset" or "3 assets". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** resultCount says how many results a search found: "12 results", or
 * "1,000+ results" when the server counted only the first 1,000. */
export function resultCount(total: number, estimated?: boolean): string {
  if (!estimated) return plural(total, 'result');
  return `${total.toLocaleString('en-US')}+ results`;
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

/** localRelative is relativeTime in the browser's locale. */
export function localRelative(t: string | null | undefined, now: Date = new Date(), locale?: string): string {
  if (!t) return '—';
  const secs = Math.round((new Date(t).getTime() - now.getTime()) / 1000);
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
