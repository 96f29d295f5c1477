import type { WeekUse } from '../api/types';

const week = 7 * 24 * 3600 * 1000;

/** fillWeeks inserts the missing weeks (with zero uses) between the first
 * and last week of a series, so a chart's line drops to zero in a quiet
 * week instead of joining its neighbours. */
export function fillWeeks(series: WeekUse[]): WeekUse[] {
  if (series.length < 2) return series;
  const byWeek = new Map(series.map((w) => [w.week, w]));
  const out: WeekUse[] = [];
  const end = Date.parse(`${series[series.length - 1].week}T00:00:00Z`);
  // Bounded, in case a malformed week would never reach the end.
  for (let t = Date.parse(`${series[0].week}T00:00:00Z`); t <= end && out.length < 2000; t += week) {
    const k = new Date(t).toISOString().slice(0, 10);
    out.push(byWeek.get(k) ?? { week: k, uses: 0, link_opens: 0 });
  }
  return out;
}
