import type { AssetScore } from '../api/types';

export type SortKey =
  | 'title' | 'uses' | 'unique_users' | 'deals_influenced' | 'deals_closed' | 'win_rate'
  | 'baseline_win_rate' | 'lift' | 'revenue_influenced' | 'link_opens' | 'avg_view_seconds' | 'completion' | 'last_used_at';

/** sortScores orders scorecard rows by a column. Rows without a value
 * (no closed deals, never used) go last in either direction, since
 * "unknown" is neither high nor low. */
export function sortScores(rows: AssetScore[], key: SortKey, desc: boolean): AssetScore[] {
  const val = (r: AssetScore): number | string | null => {
    if (key === 'title') return r.title.toLowerCase();
    if (key === 'last_used_at') return r.last_used_at ? Date.parse(r.last_used_at) : null;
    // Older servers leave out the reading columns: unknown, like null.
    return r[key] ?? null;
  };
  return [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    if (x === null && y === null) return a.title.localeCompare(b.title);
    if (x === null) return 1;
    if (y === null) return -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return (desc ? -c : c) || a.title.localeCompare(b.title);
  });
}

/** filterScores keeps rows whose title contains the text, ignoring case. */
export function filterScores(rows: AssetScore[], text: string): AssetScore[] {
  const t = text.trim().toLowerCase();
  return t ? rows.filter((r) => r.title.toLowerCase().includes(t)) : rows;
}

/** evidence says how far a row's lift can be trusted: its interval lies
 * wholly above the baseline, wholly below, or straddles it. */
export function evidence(r: AssetScore): 'positive' | 'negative' | 'unclear' | 'none' {
  if (!r.win_rate_ci || r.baseline_win_rate === null) return 'none';
  if (r.win_rate_ci[0] > r.baseline_win_rate) return 'positive';
  if (r.win_rate_ci[1] < r.baseline_win_rate) return 'negative';
  return 'unclear';
}
