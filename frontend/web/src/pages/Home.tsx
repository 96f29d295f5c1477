import { useQuery } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { dealPageSize, useDeal, useDealSearch, useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { Deal, Taxonomy } from '../api/types';
import { DealVisits } from '../components/Visits';
import { AssetActions } from '../components/AssetActions';
import { TermChips } from '../components/Badges';
import { Thumbnail } from '../components/Thumbnail';
import { Empty, ErrorState, Loading, SearchIcon } from '../components/ui';
import { useUser } from '../auth';
import { money, num, points } from '../lib/format';
import { searchToParams } from '../lib/searchState';
import { label } from '../lib/taxonomy';
import { useDebounced } from '../lib/useDebounced';

/** dealSearch is the search a deal calls for: its stage and personas, as
 * far as the taxonomy knows them (a CRM may use stages it does not). */
export function dealSearch(deal: Deal, tax: Taxonomy | undefined, q = ''): string {
  const known = (facet: 'stages' | 'personas', keys: string[]) =>
    keys.filter((k) => tax?.[facet].some((t) => t.key === k));
  return searchToParams({
    q,
    stage: known('stages', [deal.stage]),
    persona: known('personas', deal.personas),
    deal: deal.id,
  }).toString();
}

export function Home() {
  const user = useUser();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const deals = useDealSearch(q);
  const { data: tax } = useTaxonomy();
  const [params, setParams] = useSearchParams();
  const list = deals.items;
  const wanted = params.get('deal');
  // A deal in the address but not among the deals loaded is fetched on its own.
  const extra = useDeal(wanted && !list.some((d) => d.id === wanted) ? wanted : null);
  const selected = list.find((d) => d.id === wanted) ?? extra.data ?? (q ? undefined : list.at(0));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Hello{user.name ? `, ${user.name.split(' ')[0]}` : ''}</h1>
          <p>{user.role === 'rep' ? 'Pick a deal to see what helps at its stage.' : 'Open deals and what helps them move.'}</p>
        </div>
      </div>
      <div className="split" style={{ gridTemplateColumns: '320px minmax(0, 1fr)' }}>
        <section className="panel" aria-labelledby="deals-title" style={{ padding: 8 }}>
          <h2 id="deals-title" style={{ padding: '8px 12px 0' }}>{user.role === 'rep' ? 'My open deals' : 'Open deals'}</h2>
          {deals.isLoading ? (
            <Loading />
          ) : deals.error ? (
            <ErrorState error={deals.error} retry={() => void deals.refetch()} />
          ) : list.length === 0 && !q ? (
            <Empty title="No open deals" icon="◇">
              Deals arrive from your CRM. Meanwhile, <Link to="/search">search the library</Link>.
            </Empty>
          ) : (
            <>
            {(q || deals.total > dealPageSize) && (
              <div style={{ padding: '4px 8px 8px' }}>
                <input type="search" className="input" value={text} onChange={(e) => setText(e.target.value)}
                  aria-label="Find a deal by name, account or CRM id" placeholder="Find a deal" />
              </div>
            )}
            {q && !list.length && <p className="muted" style={{ padding: '0 12px' }}>No open deal matches “{q}”.</p>}
            <ul className="deal-list">
              {list.map((d) => (
                <li key={d.id}>
                  <button aria-pressed={d.id === selected?.id}
                    onClick={() => setParams({ deal: d.id }, { replace: true })}>
                    <div className="name">{d.name}</div>
                    <div className="muted small">
                      {d.account} · {label(tax, 'stages', d.stage)}
                      {d.amount != null ? ` · ${money(d.amount, d.currency)}` : ''}
                    </div>
                  </button>
                </li>
              ))}
            </ul>
            {deals.hasNextPage && (
              <div style={{ padding: 8 }}>
                <button type="button" className="btn small" disabled={deals.isFetchingNextPage} onClick={() => void deals.fetchNextPage()}>
                  {deals.isFetchingNextPage ? 'Loading…' : `Show more (${num(list.length)} of ${num(deals.total)})`}
                </button>
              </div>
            )}
            </>
          )}
        </section>
        <div>{selected ? <DealPanel deal={selected} tax={tax} /> : !deals.isLoading && <QuickSearch />}</div>
      </div>
    </>
  );
}

function QuickSearch() {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  return (
    <section className="panel">
      <h2>Search the library</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void navigate(`/search?${searchToParams({ q })}`); }}>
        <div className="search-input">
          <SearchIcon />
          <input className="input" type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search" />
        </div>
        <button className="btn primary" type="submit">Search</button>
      </form>
    </section>
  );
}

function DealPanel({ deal, tax }: { deal: Deal; tax?: Taxonomy }) {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const recs = useQuery({
    queryKey: ['recommendations', deal.id],
    queryFn: () => api.recommendations(deal.id, 6),
  });
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    void navigate(`/search?${dealSearch(deal, tax, q)}`);
  };
  return (
    <>
      <section className="panel" aria-labelledby="deal-title">
        <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <div>
            <h2 id="deal-title" style={{ marginBottom: 2 }}>{deal.name}</h2>
            <div className="muted">{deal.account}{deal.amount != null ? ` · ${money(deal.amount, deal.currency)}` : ''}</div>
          </div>
          <span className="spacer" />
          <div className="chips">
            <span className="chip stage">{label(tax, 'stages', deal.stage)}</span>
            <TermChips tax={tax} facet="personas" keys={deal.personas} className="persona" />
          </div>
        </div>
        <form className="row" style={{ marginTop: 16 }} onSubmit={submit} role="search">
          <div className="search-input">
            <SearchIcon />
            <input className="input" type="search" value={q} onChange={(e) => setQ(e.target.value)}
              placeholder={`Search for ${label(tax, 'stages', deal.stage).toLowerCase()}-stage content…`}
              aria-label={`Search collateral for ${deal.name}`} />
          </div>
          <button className="btn primary" type="submit">Search</button>
        </form>
      </section>
      <section className="panel" aria-labelledby="recs-title">
        <h2 id="recs-title">Recommended for this deal</h2>
        {recs.isLoading ? (
          <Loading />
        ) : recs.error ? (
          <ErrorState error={recs.error} retry={() => void recs.refetch()} />
        ) : !recs.data?.items.length ? (
          <Empty title="Nothing tagged for this stage yet" icon="☆">
            <Link to={`/search?${dealSearch(deal, tax)}`}>Browse the library</Link> instead.
          </Empty>
        ) : (
          <div className="results">
            {recs.data.items.map((r) => (
              <article key={r.asset.id} className="result" aria-label={r.asset.title}>
                {/* The title's link says where it goes; this one is a larger target for the mouse only. */}
                <Link to={`/assets/${r.asset.id}?deal=${deal.id}`} tabIndex={-1} aria-hidden="true"><Thumbnail asset={r.asset} /></Link>
                <div>
                  <h3><Link to={`/assets/${r.asset.id}?deal=${deal.id}`}>{r.asset.title}</Link></h3>
                  <p className="snippet" style={{ marginTop: 2 }}>
                    {r.reason}
                    {r.lift != null && <> <strong className={r.lift >= 0 ? 'lift-pos' : 'lift-neg'}>{points(r.lift)}</strong></>}
                  </p>
                  <AssetActions asset={r.asset} dealID={deal.id} />
                </div>
              </article>
            ))}
          </div>
        )}
      </section>
      <DealVisits dealID={deal.id} />
    </>
  );
}
