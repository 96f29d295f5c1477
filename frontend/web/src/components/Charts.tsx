import type { ReactNode } from 'react';
import {
  Bar, BarChart, CartesianGrid, ErrorBar, Legend, Rectangle, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis,
  type BarShapeProps,
} from 'recharts';
import type { AssetScore, WeekUse } from '../api/types';
import { date, interval, percent, points, shortDay } from '../lib/format';
import { fillWeeks } from '../lib/series';

/** UsageChart is uses and link opens per week. */
export function UsageChart({ series, height = 260 }: { series: WeekUse[]; height?: number }) {
  return (
    <div style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={fillWeeks(series)} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#eceef2" vertical={false} />
          <XAxis dataKey="week" tick={{ fontSize: 11 }} tickFormatter={(w: string) => shortDay(w)} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(w: ReactNode) => (typeof w === 'string' ? `Week of ${date(w)}` : w)} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="uses" name="Uses by reps" fill="#4338ca" maxBarSize={28} isAnimationActive={false} />
          <Bar dataKey="link_opens" name="Prospect opens" fill="#0e9f6e" maxBarSize={28} isAnimationActive={false} />
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
  return <Rectangle {...props} fill={d.lift >= 0 ? '#15803d' : '#b91c1c'} fillOpacity={0.75} />;
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
          <CartesianGrid stroke="#eceef2" horizontal={false} />
          <XAxis type="number" domain={[-1, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}`} tick={{ fontSize: 11 }}
            label={{ value: 'percentage points', position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={200} tick={{ fontSize: 12 }}
            tickFormatter={(n: string) => (n.length > 30 ? `${n.slice(0, 29)}…` : n)} />
          <Tooltip content={<LiftTooltip />} />
          <ReferenceLine x={0} stroke="#8a93a3" />
          <Bar dataKey="lift" barSize={14} isAnimationActive={false} shape={LiftBar}>
            <ErrorBar dataKey="err" width={6} strokeWidth={1.5} stroke="#1c2230" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
