import {
  Bar, BarChart, CartesianGrid, Cell, ErrorBar, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from 'recharts';
import type { AssetScore, WeekUse } from '../api/types';
import { interval, percent, points } from '../lib/format';
import { fillWeeks } from '../lib/series';

/** UsageChart is uses and link opens per week. */
export function UsageChart({ series, height = 260 }: { series: WeekUse[]; height?: number }) {
  return (
    <div style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={fillWeeks(series)} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#eceef2" vertical={false} />
          <XAxis dataKey="week" tick={{ fontSize: 11 }} tickFormatter={(w: string) => w.slice(5)} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(w) => `Week of ${w}`} />
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
    .filter((s) => s.lift !== null && s.win_rate_ci && s.baseline_win_rate !== null)
    .map((s) => {
      const lo = s.win_rate_ci![0] - s.baseline_win_rate!;
      const hi = s.win_rate_ci![1] - s.baseline_win_rate!;
      return { id: s.asset_id, name: s.title, lift: s.lift!, err: [s.lift! - lo, hi - s.lift!] as [number, number], score: s };
    })
    .sort((a, b) => b.lift - a.lift)
    .slice(0, max);
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
          <Bar dataKey="lift" barSize={14} isAnimationActive={false}>
            {data.map((d) => <Cell key={d.id} fill={d.lift >= 0 ? '#15803d' : '#b91c1c'} fillOpacity={0.75} />)}
            <ErrorBar dataKey="err" width={6} strokeWidth={1.5} stroke="#1c2230" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
