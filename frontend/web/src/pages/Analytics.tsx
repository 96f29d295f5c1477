import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import { useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { AnalyticsParams } from '../api/endpoints';
import type { AssetScore } from '../api/types';
import { LiftChart, UsageChart } from '../components/Charts';
import { Thumbnail } from '../components/Thumbnail';
import { Empty, ErrorState, Loading, useToast } from '../components/ui';
import { saveBlob, today } from '../lib/download';
import { date, duration, fromDateInput, interval, money, num, percent, plural, points, relativeTime } from '../lib/format';
import { evidence, filterScores, sortScores, type SortKey } from '../lib/scorecard';
import { terms } from '../lib/taxonomy';
import { TabPanel, Tabs, useTabs } from '../components/Tabs';

const columns: { key: SortKey; label: string; num?: boolean; title?: string }[] = [
  { key: 'title', label: 'Asset' },
  { key: 'uses', label: 'Uses', num: true },
  { key: 'unique_users', label: 'Reps', num: true },
  { key: 'deals_influenced', label: 'Deals', num: true, title: 'Deals it was used on before they closed' },
  { key: 'deals_closed', label: 'Closed', num: true },
  { key: 'win_rate', label: 'Win rate (95% CI)', num: true },
  { key: 'baseline_win_rate', label: 'Baseline', num: true, title: 'Win rate of comparable deals, at the same stage, without it' },
  { key: 'lift', label: 'Lift', num: true },
  { key: 'revenue_influenced', label: 'Revenue won', num: true },
  { key: 'link_opens', label: 'Opens', num: true, title: 'Prospect opens of shared links' },
  { key: 'avg_view_seconds', label: 'Avg. view', num: true, title: 'Average time of a prospect visit' },
  { key: 'completion', label: 'Completion', num: true, title: 'Average share of pages a prospect visit read' },
  { key: 'last_used_at', label: 'Last used' },
];

const analyticsTabs = [
  { key: 'scorecard' as const, label: 'Scorecard' },
  { key: 'unused' as const, label: 'Unused content' },
];

export default function Analytics() {
  const [params, setParams] = useSearchParams();
  const { data: tax } = useTaxonomy();
  const filter: AnalyticsParams = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    stage: params.get('stage') ?? undefined,
    persona: params.get('persona') ?? undefined,
  };
  const setFilter = (k: keyof AnalyticsParams, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const apiFilter = {
    ...filter,
    from: filter.from ? fromDateInput(filter.from, false) ?? undefined : undefined,
    to: filter.to ? fromDateInput(filter.to) ?? undefined : undefined,
  };

  const card = useQuery({
    queryKey: ['scorecard', apiFilter],
    queryFn: () => api.scorecard(apiFilter),
    placeholderData: keepPreviousData,
  });
  const [tab, setTab] = useState<'scorecard' | 'unused'>('scorecard');
  const ids = useTabs();

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Content analytics</h1>
          <p>Which collateral is used, and whether the deals it touches win more than comparable deals without it.</p>
        </div>
        <CSVButton filter={apiFilter} />
      </div>
      <div className="panel row" style={{ flexWrap: 'wrap', gap: 12, marginBottom: 16 }} role="group" aria-label="Filters">
        <label className="row small">First used from
          <input className="input" type="date" style={{ width: 150 }} value={filter.from ?? ''} onChange={(e) => setFilter('from', e.target.value)} />
        </label>
        <label className="row small">to
          <input className="input" type="date" style={{ width: 150 }} value={filter.to ?? ''} onChange={(e) => setFilter('to', e.target.value)} />
        </label>
        <label className="row small">Stage at first use
          <select className="input" style={{ width: 160 }} value={filter.stage ?? ''} onChange={(e) => setFilter('stage', e.target.value)}>
            <option value="">Any</option>
            {terms(tax, 'stages').map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}
          </select>
        </label>
        <label className="row small">Persona
          <select className="input" style={{ width: 170 }} value={filter.persona ?? ''} onChange={(e) => setFilter('persona', e.target.value)}>
            <option value="">Any</option>
            {terms(tax, 'personas').map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}
          </select>
        </label>
      </div>
      {card.error ? <ErrorState error={card.error} retry={() => void card.refetch()} /> : !card.data ? <Loading /> : (
        <>
          <div className="grid cols-4" style={{ marginBottom: 16 }}>
            <div className="panel stat"><div className="label">Closed deals</div><div className="value">{num(card.data.overall.deals_closed)}</div>
              <div className="sub">{card.data.overall.deals_won} won</div></div>
            <div className="panel stat"><div className="label">Overall win rate</div><div className="value">{percent(card.data.overall.win_rate)}</div>
              <div className="sub">All closed deals in the window</div></div>
            <div className="panel stat"><div className="label">Assets used</div>
              <div className="value">{num(card.data.assets.filter((a) => a.uses > 0).length)}</div>
              <div className="sub">of {plural(card.data.assets.length, 'asset')}</div></div>
            <div className="panel stat"><div className="label">Clear lift</div>
              <div className="value">{num(card.data.assets.filter((a) => evidence(a) === 'positive').length)}</div>
              <div className="sub">assets whose interval lies above the baseline</div></div>
          </div>
          <div className="grid cols-2">
            <section className="panel" aria-labelledby="lift-title">
              <h2 id="lift-title">Lift over baseline</h2>
              <p className="muted small">
                Win rate of deals an asset influenced minus comparable deals without it, with the 95% interval.
                A whisker crossing zero is not yet evidence either way.
              </p>
              {card.data.assets.some((a) => a.lift !== null) ? <LiftChart scores={card.data.assets} /> :
                <Empty title="No closed deals to compare yet" icon="∿">Lift appears once deals that used collateral close.</Empty>}
            </section>
            <Trend from={apiFilter.from} to={apiFilter.to} />
          </div>
          <Tabs items={analyticsTabs} value={tab} onChange={setTab} label="Asset tables" ids={ids} style={{ marginTop: 24 }} />
          <TabPanel ids={ids} value={tab}>
            {tab === 'scorecard' ? <ScoreTable rows={card.data.assets} /> : <Unused />}
          </TabPanel>
        </>
      )}
    </>
  );
}

function CSVButton({ filter }: { filter: AnalyticsParams }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      saveBlob(await api.scorecardCSV(filter), `stagecraft-scorecard-${today()}.csv`);
    } catch (err) {
      toast(errorMessage(err), true);
    } finally {
      setBusy(false);
    }
  };
  return <button className="btn" onClick={() => void download()} disabled={busy}>{busy ? 'Preparing…' : 'Export CSV'}</button>;
}

function Trend({ from, to }: { from?: string; to?: string }) {
  const q = useQuery({ queryKey: ['usage-series', from, to], queryFn: () => api.usageSeries({ from, to }) });
  return (
    <section className="panel" aria-labelledby="trend-title">
      <h2 id="trend-title">Usage trend</h2>
      <p className="muted small">Uses by reps and prospect opens of shared links, per week.</p>
      {q.error ? <ErrorState error={q.error} retry={() => void q.refetch()} /> : !q.data ? <Loading /> :
        q.data.series.length ? <UsageChart series={q.data.series} /> : <Empty title="No usage in this window" />}
    </section>
  );
}

function ScoreTable({ rows }: { rows: AssetScore[] }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'lift', desc: true });
  const [text, setText] = useState('');
  const shown = useMemo(() => sortScores(filterScores(rows, text), sort.key, sort.desc), [rows, text, sort]);
  const by = (key: SortKey) => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'title' }));
  return (
    <div className="panel" style={{ padding: 0 }}>
      <div style={{ padding: 12 }}>
        <input className="input" style={{ maxWidth: 320 }} type="search" placeholder="Filter by title…" aria-label="Filter assets by title"
          value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {!shown.length ? <Empty title="No assets match" /> : (
        <div className="table-wrap">
          <table className="table" aria-label="Scorecard">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} className={c.num ? 'num' : ''} title={c.title}
                    aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                    <button onClick={() => by(c.key)}>
                      {c.label}{sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const ev = evidence(r);
                return (
                  <tr key={r.asset_id}>
                    <td className="title-cell"><Link to={`/assets/${r.asset_id}`}>{r.title}</Link></td>
                    <td className="num">{num(r.uses)}</td>
                    <td className="num">{num(r.unique_users)}</td>
                    <td className="num">{num(r.deals_influenced)}</td>
                    <td className="num">{num(r.deals_closed)}</td>
                    <td className="num nowrap">{percent(r.win_rate)} <span className="faint small">{r.win_rate_ci ? interval(r.win_rate_ci) : ''}</span></td>
                    <td className="num">{percent(r.baseline_win_rate)}</td>
                    <td className={`num nowrap ${ev === 'positive' ? 'lift-pos' : ev === 'negative' ? 'lift-neg' : ''}`}
                      title={ev === 'unclear' ? 'The interval includes the baseline: not yet evidence' : undefined}>
                      {points(r.lift)}{ev === 'positive' || ev === 'negative' ? ' ●' : ''}
                    </td>
                    <td className="num">{money(r.revenue_influenced)}</td>
                    <td className="num">{num(r.link_opens)}</td>
                    <td className="num nowrap">{duration(r.avg_view_seconds)}</td>
                    <td className="num">{percent(r.completion)}</td>
                    <td className="nowrap">{r.last_used_at ? relativeTime(r.last_used_at) : <span className="faint">never</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="faint small" style={{ padding: '8px 12px', margin: 0 }}>
        ● the whole 95% interval lies on that side of the baseline. Definitions: uses count every view, download, share and
        attach; a deal is influenced when the asset was used on it before it closed.
      </p>
    </div>
  );
}

function Unused() {
  const [days, setDays] = useState(90);
  const q = useQuery({ queryKey: ['unused', days], queryFn: () => api.unusedAssets(days) });
  return (
    <div className="panel">
      <label className="row small" style={{ marginBottom: 12 }}>
        Published assets with no use in the last
        <select className="input" style={{ width: 110 }} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[30, 60, 90, 180, 365].map((d) => <option key={d} value={d}>{d} days</option>)}
        </select>
      </label>
      {q.error ? <ErrorState error={q.error} retry={() => void q.refetch()} /> : !q.data ? <Loading /> :
        !q.data.items.length ? <Empty title="Everything published was used" icon="✓" /> : (
          <ul className="deal-list">
            {q.data.items.map((a) => (
              <li key={a.id} className="row" style={{ padding: '8px 0' }}>
                <Thumbnail asset={a} small />
                <div>
                  <Link to={`/assets/${a.id}`}>{a.title}</Link>
                  <div className="faint small">Published {date(a.created_at)}</div>
                </div>
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}
