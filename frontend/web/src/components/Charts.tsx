import type { ReactNode } from 'react';
import {
  Bar, BarChart, CartesianGrid, ErrorBar, Legend, Rectangle, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis,
  type BarShapeProps,
} from 'recharts';
import type { AssetScore, WeekUse } from '../api/types';
import { date, interval, percent, points, shortDay } from '../lib/format';
import { fillWeeks } from '../lib/series';

// Colours come from the stylesheet's variables, so charts follow dark mode.
const tick = { fontSize: 11, fill: 'var(--muted)' };
const tooltipStyle = { background: 'var(--panel)', border: '1px solid var(--line)', color: 'var(--text)', borderRadius: 8 };

/** UsageChart is uses and link opens per week. */
export function UsageChart({ series, height = 260 }: { series: WeekUse[]; height?: number }) {
  return (
    <div style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={fillWeeks(series)} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="week" tick={tick} tickFormatter={(w: string) => shortDay(w)} minTickGap={16} />
          <YAxis allowDecimals={false} tick={tick} />
          <Tooltip contentStyle={tooltipStyle} labelFormatter={(w: ReactNode) => (typeof w === 'string' ? `Week of ${date(w)}` : w)} />
          <Legend wrapperStyle={{ fontSize: 12, color: 'var(--text)' }} />
          <Bar dataKey="uses" name="Uses by reps" fill="var(--chart-1)" maxBarSize={28} isAnimationActive={false} />
          <Bar dataKey="link_opens" name="Prospect opens" fill="var(--chart-2)" maxBarSize={28} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export interface LiftDatum {
  id: string;
  name: string;
  lift: number;
  /** Offsets below and above lift to the interval's ends. */
  err: [number, number];
  score: AssetScore;
}

/** liftData keeps the assets that have a lift, with the win-rate interval
 * moved onto the lift scale (the baseline is taken as known), largest
 * lift first. */
export function liftData(scores: AssetScore[], max = 12): LiftDatum[] {
  return scores
    .flatMap((s): LiftDatum[] => {
      const { lift, win_rate_ci: ci, baseline_win_rate: base } = s;
      if (lift === null || !ci || base === null) return [];
      const lo = ci[0] - base;
      const hi = ci[1] - base;
      return [{ id: s.asset_id, name: s.title, lift, err: [lift - lo, hi - lift], score: s }];
    })
    .sort((a, b) => b.lift - a.lift)
    .slice(0, max);
}

/** LiftBar draws a bar green for a lift, red for a drop. */
function LiftBar(props: BarShapeProps) {
  const d = props.payload as LiftDatum;
  return <Rectangle {...props} fill={d.lift >= 0 ? 'var(--chart-up)' : 'var(--chart-down)'} fillOpacity={0.75} />;
}

function LiftTooltip({ active, payload }: { active?: boolean; payload?: { payload: LiftDatum }[] }) {
  if (!active || !payload?.length) return null;
  const d = payload[0].payload;
  const s = d.score;
  return (
    <div className="panel" style={{ padding: 10, fontSize: 12 }}>
      <strong>{d.name}</strong>
      <div>Win rate {percent(s.win_rate)} (95% CI {interval(s.win_rate_ci)})</div>
      <div>Baseline {percent(s.baseline_win_rate)} · lift {points(s.lift)}</div>
      <div className="muted">{s.deals_won} won of {s.deals_closed} closed deals</div>
    </div>
  );
}

/** LiftChart shows each asset's lift over its stage-matched baseline with
 * the 95% interval: a bar whose whisker crosses zero is not evidence. */
export function LiftChart({ scores }: { scores: AssetScore[] }) {
  const data = liftData(scores);
  if (!data.length) return null;
  const height = Math.max(160, data.length * 34 + 40);
  return (
    <div style={{ width: '100%', height }} role="img" aria-label="Lift over baseline per asset, with 95% confidence intervals">
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" horizontal={false} />
          <XAxis type="number" domain={[-1, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}`} tick={tick}
            label={{ value: 'percentage points', position: 'insideBottomRight', offset: -2, fontSize: 11, fill: 'var(--muted)' }} />
          <YAxis type="category" dataKey="name" width={200} tick={{ ...tick, fontSize: 12 }}
            tickFormatter={(n: string) => (n.length > 30 ? `${n.slice(0, 29)}…` : n)} />
          <Tooltip content={<LiftTooltip />} />
          <ReferenceLine x={0} stroke="var(--faint)" />
          <Bar dataKey="lift" barSize={14} isAnimationActive={false} shape={LiftBar}>
            <ErrorBar dataKey="err" width={6} strokeWidth={1.5} stroke="var(--text)" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
