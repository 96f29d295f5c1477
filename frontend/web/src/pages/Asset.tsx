import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { fetchBlob } from '../api/client';
import { useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { AssetPatch } from '../api/endpoints';
import type { Asset, AssetDetail, FacetName, Taxonomy } from '../api/types';
import { PageBars } from '../components/PageBars';
import { attentionBars } from '../lib/visits';
import { useAuth } from '../auth';
import { AssetActions } from '../components/AssetActions';
import { AssetEditForm, usePatchAsset } from '../components/AssetEdit';
import { IndexBadge, PreviewBadge, StatusBadge, TermChips } from '../components/Badges';
import { PageImages } from '../components/PageImages';
import { UsageChart } from '../components/Charts';
import { MultiSelect } from '../components/MultiSelect';
import { PdfPreview } from '../components/PdfPreview';
import { Thumbnail } from '../components/Thumbnail';
import { Empty, ErrorState, Loading, PencilIcon } from '../components/ui';
import { errorMessage } from '../api/client';
import { bytes, date, duration, interval, money, num, percent, plural, points, relativeTime } from '../lib/format';
import { label } from '../lib/taxonomy';
import { useObjectURL } from '../lib/useObjectURL';
import { TabPanel, Tabs, useTabs } from '../components/Tabs';
import { MoreButton } from '../components/More';
import { useMoreList } from '../api/more';

const previewable = (a: Asset) => {
  const ct = a.current_version.content_type;
  return ct === 'application/pdf' || /^image\/(png|jpeg|gif|webp)$/.test(ct) || ct.startsWith('text/plain');
};

export default function AssetPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const dealID = params.get('deal') ?? undefined;
  const { can } = useAuth();
  const { data: tax } = useTaxonomy();
  const asset = useQuery({
    queryKey: ['asset', id],
    queryFn: () => api.getAsset(id),
    refetchInterval: (q) => (q.state.data?.index_status === 'pending' || q.state.data?.preview?.status === 'pending' ? 2000 : false),
  });

  // A visit is a view of the asset, on the deal the rep came from.
  const viewed = useRef('');
  useEffect(() => {
    if (asset.data && viewed.current !== id) {
      viewed.current = id;
      api.recordEvent('view', id, dealID).catch(() => {});
    }
  }, [asset.data, id, dealID]);

  const [editing, setEditing] = useState(false);
  if (asset.error) return <ErrorState error={asset.error} retry={() => void asset.refetch()} />;
  if (!asset.data) return <Loading />;
  const a = asset.data;
  const manager = can('admin', 'marketer');

  return (
    <>
      <div className="page-head">
        <div className="asset-head">
          <div className="muted small"><Link to="/search">Search</Link> / {a.type.toUpperCase()}</div>
          {editing ? <AssetEditForm asset={a} onDone={() => setEditing(false)} /> : (
            <>
              <div className="row" style={{ alignItems: 'flex-start' }}>
                <h1>{a.title}</h1>
                {manager && (
                  <button className="btn small ghost" onClick={() => setEditing(true)} aria-label="Edit title, description and tags">
                    <PencilIcon /> Edit
                  </button>
                )}
              </div>
              {a.description ? <p>{a.description}</p> : manager && <p className="faint">No description yet.</p>}
            </>
          )}
        </div>
        {!editing && <AssetActions asset={a} dealID={dealID} showPreview={false} />}
      </div>
      <div className="split-wide">
        <div>
          <Preview asset={a} />
          {manager && <AssetAnalytics asset={a} />}
        </div>
        <aside>
          <Details asset={a} tax={tax} editable={manager} />
          <Versions asset={a} />
          {manager && <Links asset={a} />}
        </aside>
      </div>
    </>
  );
}

/** pagesReady says the server has page images to show (decks and
 * documents once converted; PDFs keep their pdf.js preview). */
const pagesReady = (a: Asset) =>
  a.preview?.status === 'ready' && (a.preview.pages ?? 0) > 0 && a.current_version.content_type !== 'application/pdf';

function Preview({ asset }: { asset: Asset }) {
  if (pagesReady(asset)) {
    return (
      <>
        {/* With pages ready, an error says only the first pages have images. */}
        {asset.preview?.error && <div className="alert info">{asset.preview.error}</div>}
        <PageImages asset={asset} />
      </>
    );
  }
  return <FilePreview asset={asset} />;
}

/** previewNote explains why a file has no page preview yet. */
function previewNote(asset: Asset): string {
  switch (asset.preview?.status) {
    case 'pending':
      return 'Preparing preview: its pages show here in a moment.';
    case 'failed':
      return `The preview could not be made${asset.preview.error ? ` (${asset.preview.error})` : ''}. It can be downloaded and opened in its own application.`;
    case 'unavailable':
      return 'Preview converter not installed on the server: an administrator can add it. It can be downloaded and opened in its own application.';
    default:
      return `${asset.current_version.filename} can be downloaded and opened in its own application.`;
  }
}

function FilePreview({ asset }: { asset: Asset }) {
  const ok = previewable(asset);
  const content = useQuery({
    queryKey: ['preview', asset.id, asset.current_version.id],
    queryFn: ({ signal }) => fetchBlob(`/assets/${asset.id}/preview`, signal),
    enabled: ok,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const blob = content.data;
  const isText = !!blob?.type.startsWith('text/');
  const url = useObjectURL(blob && !isText && blob.type !== 'application/pdf' ? blob : null);
  // The text read from a text file; kept with its blob so that another
  // file never shows the previous one's text. Unreadable text shows nothing.
  const [read, setRead] = useState<{ blob: Blob; text?: string }>();
  useEffect(() => {
    if (blob && isText) blob.slice(0, 200_000).text().then((t) => setRead({ blob, text: t }), () => setRead({ blob }));
  }, [blob, isText]);
  const text = blob && read?.blob === blob ? read.text : undefined;

  if (!ok) {
    return (
      <div className="panel">
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <Thumbnail asset={asset} />
          <div>
            <h3>{asset.preview?.status === 'pending' ? 'Preparing preview' : 'No preview for this file'}</h3>
            <p className="muted">{previewNote(asset)}</p>
          </div>
        </div>
      </div>
    );
  }
  if (content.isLoading) return <div className="preview"><Loading label="Loading preview…" /></div>;
  if (content.error) return <div className="alert warn">The preview could not be loaded: {errorMessage(content.error)}</div>;
  if (blob?.type === 'application/pdf') return <PdfPreview data={blob} title={asset.title} />;
  if (text !== undefined) return <pre className="panel" style={{ whiteSpace: 'pre-wrap', maxHeight: '70vh', overflow: 'auto' }}>{text}</pre>;
  // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- it scrolls: the keyboard must reach it
  return url ? <div className="preview" role="region" aria-label={`Preview of ${asset.title}`} tabIndex={0}><img src={url} alt={asset.title} /></div> : null;
}

const facets: { facet: FacetName; key: keyof AssetPatch & keyof Asset; title: string }[] = [
  { facet: 'stages', key: 'stages', title: 'Stages' },
  { facet: 'personas', key: 'personas', title: 'Personas' },
  { facet: 'industries', key: 'industries', title: 'Industries' },
  { facet: 'products', key: 'products', title: 'Products' },
];

function Details({ asset, tax, editable }: { asset: Asset; tax?: Taxonomy; editable: boolean }) {
  const patch = usePatchAsset(asset.id);
  const v = asset.current_version;
  return (
    <section className="panel" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl className="kv">
        <dt>Status</dt>
        <dd className="row" style={{ flexWrap: 'wrap' }}><StatusBadge status={asset.status} /> <IndexBadge asset={asset} /> <PreviewBadge asset={asset} /></dd>
        {facets.map((f) => (
          <div key={f.key} style={{ display: 'contents' }}>
            <dt>{f.title}</dt>
            <dd>
              {editable ? (
                <MultiSelect tax={tax} facet={f.facet} value={asset[f.key] as string[]} ariaLabel={`${f.title} of ${asset.title}`}
                  onChange={(val) => patch.mutate({ [f.key]: val })} />
              ) : (
                <div className="chips">
                  <TermChips tax={tax} facet={f.facet} keys={asset[f.key] as string[]}
                    className={f.facet === 'stages' ? 'stage' : f.facet === 'personas' ? 'persona' : ''} />
                  {!(asset[f.key] as string[]).length && <span className="faint">—</span>}
                </div>
              )}
            </dd>
          </div>
        ))}
        <dt>Tags</dt>
        <dd className="chips">{asset.tags.length ? asset.tags.map((t) => <span key={t} className="chip">{t}</span>) : <span className="faint">—</span>}</dd>
        <dt>File</dt>
        <dd>{v.filename} · {bytes(v.size)}{v.page_count ? ` · ${plural(v.page_count, 'page')}` : ''}</dd>
        <dt>Expires</dt>
        <dd>{asset.expires_at ? date(asset.expires_at) : 'Never'}</dd>
        <dt>Updated</dt>
        <dd>{relativeTime(asset.updated_at)}</dd>
      </dl>
      {asset.index_status === 'failed' && asset.index_error && (
        <div className="alert warn" style={{ marginTop: 12 }}>
          Its text could not be read ({asset.index_error}); it is found by title, description and tags only.
        </div>
      )}
    </section>
  );
}

function Versions({ asset }: { asset: Asset }) {
  const versions = useMoreList(['versions', asset.id, asset.current_version.id], (limit, offset) => api.listVersions(asset.id, limit, offset), 50);
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {versions.error ? <ErrorState error={versions.error} /> : !versions.data ? <Loading /> : (
        <>
        <ol className="deal-list" reversed>
          {versions.items.map((v) => (
            <li key={v.id} style={{ padding: '6px 0' }}>
              <div className="row">
                <strong>v{v.number}</strong>
                <span className="muted small" style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{v.filename}</span>
                <span className="spacer" />
                {v.id === asset.current_version.id && <span className="badge ok">Current</span>}
              </div>
              <div className="faint small">{date(v.created_at)} · {bytes(v.size)}</div>
            </li>
          ))}
        </ol>
        <MoreButton list={versions} noun="versions" />
        </>
      )}
    </section>
  );
}

function Links({ asset }: { asset: Asset }) {
  const links = useMoreList(['links', asset.id], (limit, offset) => api.listLinks({ asset_id: asset.id, limit, offset }), 20);
  return (
    <section className="panel" aria-labelledby="links-title">
      <h2 id="links-title">Shared links</h2>
      {links.error ? <ErrorState error={links.error} /> : !links.data ? <Loading /> : !links.items.length ? (
        <p className="muted">Not shared yet.</p>
      ) : (
        <>
        <ul className="deal-list">
          {links.items.map((l) => (
            <li key={l.id} style={{ padding: '6px 0' }}>
              <div className="row">
                <Link to={`/links/${l.id}`}>{l.recipient_email ?? 'No recipient'}</Link>
                <span className="spacer" />
                <span className="badge neutral">{plural(l.visits ?? l.opens ?? 0, l.visits !== undefined ? 'visit' : 'open')}</span>
              </div>
              <div className="faint small">
                Shared {relativeTime(l.created_at)}
                {l.last_opened_at ? ` · last opened ${relativeTime(l.last_opened_at)}` : ''}
                {l.revoked_at ? ' · revoked' : ''}
              </div>
            </li>
          ))}
        </ul>
        <MoreButton list={links} noun="links" />
        </>
      )}
    </section>
  );
}

const breakdowns = [
  { key: 'stage' as const, label: 'By stage' },
  { key: 'persona' as const, label: 'By persona' },
  { key: 'user' as const, label: 'By rep' },
];

function AssetAnalytics({ asset }: { asset: Asset }) {
  const { data: tax } = useTaxonomy();
  const q = useQuery({ queryKey: ['asset-analytics', asset.id], queryFn: () => api.assetAnalytics(asset.id) });
  const [tab, setTab] = useState<'stage' | 'persona' | 'user'>('stage');
  const ids = useTabs();
  if (q.error) return <div className="panel" style={{ marginTop: 16 }}><ErrorState error={q.error} retry={() => void q.refetch()} /></div>;
  if (!q.data) return <div className="panel" style={{ marginTop: 16 }}><Loading /></div>;
  const d = q.data;
  const liftCls = d.lift == null ? '' : d.lift >= 0 ? 'lift-pos' : 'lift-neg';
  return (
    <section className="panel" style={{ marginTop: 16 }} aria-labelledby="perf-title">
      <h2 id="perf-title">Performance</h2>
      <div className="grid cols-4">
        <div className="stat"><div className="label">Uses</div><div className="value">{num(d.uses)}</div>
          <div className="sub">{plural(d.unique_users, 'rep')} · {plural(d.link_opens, 'prospect open')}</div></div>
        <div className="stat"><div className="label">Win rate</div><div className="value">{percent(d.win_rate)}</div>
          <div className="sub">95% CI {interval(d.win_rate_ci)} · {d.deals_won} of {d.deals_closed} closed</div></div>
        <div className="stat"><div className="label">Baseline</div><div className="value">{percent(d.baseline_win_rate)}</div>
          <div className="sub">Comparable deals without it</div></div>
        <div className="stat"><div className="label">Lift</div><div className={`value ${liftCls}`}>{points(d.lift)}</div>
          <div className="sub">{money(d.revenue_influenced)} won revenue influenced</div></div>
      </div>
      <div className="grid cols-4" style={{ marginTop: 12 }}>
        <div className="stat"><div className="label">Avg. view time</div><div className="value">{duration(d.avg_view_seconds)}</div>
          <div className="sub">Per prospect visit</div></div>
        <div className="stat"><div className="label">Completion</div><div className="value">{percent(d.completion)}</div>
          <div className="sub">Share of pages a visit reads</div></div>
      </div>
      {d.deals_closed > 0 && d.deals_closed < 10 && (
        <p className="muted small">Few closed deals so far: the interval is wide, so read the win rate with care.</p>
      )}
      <Attention asset={asset} detail={d} />
      <h3 style={{ marginTop: 16 }}>Uses over time</h3>
      {d.series.length ? <UsageChart series={d.series} height={220} /> : <p className="muted">No uses yet.</p>}
      <Tabs items={breakdowns} value={tab} onChange={setTab} label="Breakdown" ids={ids} style={{ marginTop: 16 }} />
      <TabPanel ids={ids} value={tab} className="table-wrap">
        {tab === 'user' ? (
          d.by_user.length ? (
            <table className="table">
              <thead><tr><th>Rep</th><th className="num">Uses</th><th>Last used</th></tr></thead>
              <tbody>{d.by_user.map((u) => (
                <tr key={u.user_id}><td>{u.name || u.email}</td><td className="num">{num(u.uses)}</td><td>{relativeTime(u.last_used_at)}</td></tr>
              ))}</tbody>
            </table>
          ) : <Empty title="No rep has used it yet" />
        ) : (
          (tab === 'stage' ? d.by_stage : d.by_persona).length ? (
            <table className="table">
              <thead><tr><th>{tab === 'stage' ? 'Stage at first use' : 'Persona'}</th><th className="num">Deals</th>
                <th className="num">Closed</th><th className="num">Won</th><th className="num">Win rate</th></tr></thead>
              <tbody>{(tab === 'stage' ? d.by_stage : d.by_persona).map((b) => (
                <tr key={b.key}>
                  <td>{label(tax, tab === 'stage' ? 'stages' : 'personas', b.key)}</td>
                  <td className="num">{num(b.deals_influenced)}</td><td className="num">{num(b.deals_closed)}</td>
                  <td className="num">{num(b.deals_won)}</td><td className="num">{percent(b.win_rate)}</td>
                </tr>
              ))}</tbody>
            </table>
          ) : <Empty title="Not used on any deal yet" />
        )}
      </TabPanel>
    </section>
  );
}

/** Attention shows, for each page, how many prospect visits reached it
 * and how long they stayed (median); pages nobody read show as skipped. */
function Attention({ asset, detail }: { asset: Asset; detail: AssetDetail }) {
  const count = asset.preview?.pages ?? asset.current_version.page_count;
  const rows = attentionBars(detail.pages, count);
  if (!rows.length || !detail.pages?.length) {
    return (
      <>
        <h3 style={{ marginTop: 16 }}>Attention per page</h3>
        <p className="muted">No prospect has read it through a shared link yet.</p>
      </>
    );
  }
  const reach = rows.map((r) => ({ page: r.page, value: r.reach, skipped: r.skipped, label: `${percent(r.reach)} reached, median ${duration(r.median_seconds)}` }));
  const time = rows.map((r) => ({ page: r.page, value: r.median_seconds, skipped: r.skipped, label: `median ${duration(r.median_seconds)}` }));
  return (
    <section aria-labelledby="attention-title">
      <h3 id="attention-title" style={{ marginTop: 16 }}>Attention per page</h3>
      <p className="muted small">Over {plural(Math.max(...rows.map((r) => r.visits)), 'prospect visit')}. <span className="legend-skipped" aria-hidden="true" />Dashed pages no visit read.</p>
      <div className="small muted">Reach (share of visits that read the page)</div>
      <PageBars bars={reach} label="Reach per page" />
      <div className="small muted" style={{ marginTop: 8 }}>Median time on the page</div>
      <PageBars bars={time} label="Median seconds per page" height={48} />
    </section>
  );
}
