import { describe, expect, it } from 'vitest';
import type { AssetScore } from '../api/types';
import { liftData } from '../components/Charts';
import { evidence, filterScores, sortScores } from './scorecard';

function row(title: string, p: Partial<AssetScore> = {}): AssetScore {
  return {
    asset_id: title, title, uses: 0, unique_users: 0, deals_influenced: 0, deals_closed: 0, deals_won: 0,
    win_rate: null, win_rate_ci: null, baseline_win_rate: null, lift: null, revenue_influenced: 0, link_opens: 0,
    last_used_at: null, ...p,
  };
}

const rows = [
  row('Battlecard', { lift: 0.2, uses: 5, win_rate_ci: [0.45, 0.8], baseline_win_rate: 0.4, win_rate: 0.6 }),
  row('ROI calculator', { lift: -0.1, uses: 9, win_rate_ci: [0.1, 0.45], baseline_win_rate: 0.4, win_rate: 0.3 }),
  row('Case study', { uses: 2 }),
  row('Architecture', { lift: 0.05, uses: 1, win_rate_ci: [0.2, 0.7], baseline_win_rate: 0.4, win_rate: 0.45 }),
];

describe('sortScores', () => {
  it('sorts by lift, descending, with unknown lifts last', () =>
    expect(sortScores(rows, 'lift', true).map((r) => r.title)).toEqual(['Battlecard', 'Architecture', 'ROI calculator', 'Case study']));
  it('keeps unknown lifts last ascending too', () =>
    expect(sortScores(rows, 'lift', false).map((r) => r.title)).toEqual(['ROI calculator', 'Architecture', 'Battlecard', 'Case study']));
  it('sorts titles alphabetically', () =>
    expect(sortScores(rows, 'title', false).map((r) => r.title)).toEqual(['Architecture', 'Battlecard', 'Case study', 'ROI calculator']));
  it('sorts numbers', () => expect(sortScores(rows, 'uses', true)[0].title).toBe('ROI calculator'));
  it('does not reorder its input', () => {
    sortScores(rows, 'uses', true);
    expect(rows[0].title).toBe('Battlecard');
  });
});

describe('filterScores', () => {
  it('matches titles ignoring case', () => expect(filterScores(rows, ' roi ').map((r) => r.title)).toEqual(['ROI calculator']));
  it('keeps everything for empty text', () => expect(filterScores(rows, '')).toHaveLength(4));
});

describe('evidence', () => {
  it.each([
    ['Battlecard', 'positive'],
    ['ROI calculator', 'unclear'],
    ['Architecture', 'unclear'],
    ['Case study', 'none'],
  ])('%s is %s', (t, want) => expect(evidence(rows.find((r) => r.title === t)!)).toBe(want));
  it('is negative when the whole interval is below the baseline', () =>
    expect(evidence(row('x', { win_rate_ci: [0.05, 0.3], baseline_win_rate: 0.4 }))).toBe('negative'));
});

describe('liftData', () => {
  it('puts the interval on the lift scale and orders by lift', () => {
    const d = liftData(rows);
    expect(d.map((x) => x.name)).toEqual(['Battlecard', 'Architecture', 'ROI calculator']);
    const b = d[0];
    // Win rate 0.6, CI [0.45, 0.8], baseline 0.4: lift 0.2 from 0.05 to 0.4.
    expect(b.lift - b.err[0]).toBeCloseTo(0.05);
    expect(b.lift + b.err[1]).toBeCloseTo(0.4);
  });
  it('caps the number of bars', () => expect(liftData(rows, 1)).toHaveLength(1));
});
