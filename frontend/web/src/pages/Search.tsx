import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDeal, useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { SearchHit, Taxonomy } from '../api/types';
import { AssetActions } from '../components/AssetActions';
import { AssetChips, StatusBadge } from '../components/Badges';
import { dealLabel } from '../components/DealSelect';
import { Facets } from '../components/Facets';
import { Thumbnail } from '../components/Thumbnail';
import { Empty, ErrorState, SearchIcon } from '../components/ui';
import { useAuth } from '../auth';
import { highlight } from '../lib/highlight';
import { activeFilterCount, parseSearch, searchToParams, toggle, type SearchState } from '../lib/searchState';
import { plural, resultCount } from '../lib/format';

const pageSize = 20;

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseSearch(params), [params]);
  const [text, setText] = useState(state.q);
  // On a phone the filters fold away behind a button, results first.
  const [showFilters, setShowFilters] = useState(false);
  const { data: tax } = useTaxonomy();
  const { data: deal } = useDeal(state.deal);

  // A query changed in the address (back, a link) replaces what is typed;
  // adjusted during render so the box never shows the old text.
  const [shownQ, setShownQ] = useState(state.q);
  if (shownQ !== state.q) {
    setShownQ(state.q);
    setText(state.q);
  }
  // Typing updates the URL (and so the search) once the user pauses.
  useEffect(() => {
    if (text === state.q) return;
    // Built from the URL as it is then, so a filter changed meanwhile stays.
    const t = window.setTimeout(
      () => setParams((prev) => searchToParams({ ...parseSearch(prev), q: text, page: 1 }), { replace: true }),
      180,
    );
    return () => window.clearTimeout(t);
  }, [text, state.q, setParams]);

  const update = (s: SearchState, replace = false) => setParams(searchToParams(s), { replace });

  const query = useQuery({
    queryKey: ['search', state.q, state.stage, state.persona, state.industry, state.product, state.type, state.page],
    queryFn: ({ signal }) =>
      api.search({
        q: state.q.trim() || undefined,
        stage: state.stage, persona: state.persona, industry: state.industry, product: state.product, type: state.type,
        limit: pageSize, offset: (state.page - 1) * pageSize,
      }, signal),
    placeholderData: keepPreviousData,
  });
  const result = query.data;
  const pages = result ? Math.ceil(result.total / pageSize) : 0;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Find collateral</h1>
          <p>Search inside every document. Typos are forgiven.</p>
        </div>
      </div>
      <div className="row" style={{ marginBottom: 16, flexWrap: 'wrap' }}>
        <div className="search-input">
          <SearchIcon />
          <input className="input" type="search" placeholder="Search titles, tags and the words inside documents…"
            aria-label="Search" value={text} onChange={(e) => setText(e.target.value)}
            // The search page is there for this box: focus starts in it.
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus />
        </div>
        <button className="btn mobile-only" aria-expanded={showFilters} aria-controls="search-filters"
          onClick={() => setShowFilters((v) => !v)}>
          Filters{activeFilterCount(state) ? ` (${activeFilterCount(state)})` : ''}
        </button>
        {deal && (
          <span className="chip stage" style={{ fontSize: 13, lineHeight: '28px', padding: '0 10px' }}>
            For deal: {dealLabel(deal)}
            <button aria-label="Clear deal" onClick={() => update({ ...state, deal: '' })}>×</button>
          </span>
        )}
      </div>
      <div className="split">
        <aside id="search-filters" className={showFilters ? '' : 'hide-mobile'}>
          <Facets state={state} result={result} tax={tax} onToggle={(f, v) => update(toggle(state, f, v))} />
          {activeFilterCount(state) > 0 && (
            <button className="btn ghost small" style={{ marginTop: 8 }}
              onClick={() => update({ ...state, stage: [], persona: [], industry: [], product: [], type: [], page: 1 })}>
              Clear filters
            </button>
          )}
        </aside>
        <section aria-live="polite" aria-busy={query.isFetching}>
          {query.error ? (
            <ErrorState error={query.error} retry={() => void query.refetch()} />
          ) : !result ? (
            <ResultSkeleton />
          ) : result.hits.length === 0 ? (
            <Empty title="Nothing matches" icon="⌕">
              {activeFilterCount(state) > 0 ? 'Try removing a filter, or ' : 'Try '}other words.
            </Empty>
          ) : (
            <>
              <p className="muted small" style={{ marginBottom: 8 }}>
                {resultCount(result.total, result.estimated)}
                {state.q ? <> for “{state.q}”</> : null} · {result.took_ms} ms
              </p>
              <div className="results">
                {result.hits.map((h) => (
                  <Result key={h.asset.id} hit={h} tax={tax} dealID={state.deal || undefined} />
                ))}
              </div>
              {pages > 1 && (
                <nav className="row" aria-label="Pages" style={{ marginTop: 16, justifyContent: 'center' }}>
                  <button className="btn small" disabled={state.page <= 1} onClick={() => update({ ...state, page: state.page - 1 })}>
                    Previous
                  </button>
                  <span className="muted small">Page {state.page} of {pages}</span>
                  <button className="btn small" disabled={state.page >= pages} onClick={() => update({ ...state, page: state.page + 1 })}>
                    Next
                  </button>
                </nav>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}

function Result({ hit, tax, dealID }: { hit: SearchHit; tax?: Taxonomy; dealID?: string }) {
  const { can } = useAuth();
  const a = hit.asset;
  const title = hit.highlights?.title ? highlight(hit.highlights.title) : a.title;
  const snippet = hit.highlights?.text ? highlight(hit.highlights.text) : a.description;
  return (
    <article className="result" aria-label={a.title}>
      <Link to={`/assets/${a.id}${dealID ? `?deal=${dealID}` : ''}`} tabIndex={-1} aria-hidden="true">
        <Thumbnail asset={a} />
      </Link>
      <div>
        <div className="row">
          <h3><Link to={`/assets/${a.id}${dealID ? `?deal=${dealID}` : ''}`}>{title}</Link></h3>
          {can('admin', 'marketer') && a.status !== 'published' && <StatusBadge status={a.status} />}
        </div>
        <div className="muted small">
          {a.type.toUpperCase()}
          {a.current_version.page_count ? ` · ${plural(a.current_version.page_count, 'page')}` : ''}
        </div>
        {snippet && <p className="snippet">{snippet}</p>}
        <AssetChips asset={a} tax={tax} />
        <AssetActions asset={a} dealID={dealID} />
      </div>
    </article>
  );
}

function ResultSkeleton() {
  return (
    <div className="results" aria-hidden="true">
      {[0, 1, 2].map((i) => (
        <div key={i} className="result">
          <div className="skeleton" style={{ width: 88, height: 112 }} />
          <div>
            <div className="skeleton" style={{ width: '50%', height: 18, marginBottom: 10 }} />
            <div className="skeleton" style={{ width: '90%', height: 12, marginBottom: 6 }} />
            <div className="skeleton" style={{ width: '70%', height: 12 }} />
          </div>
        </div>
      ))}
    </div>
  );
}
