import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import * as api from '../api/endpoints';
import type { Visit } from '../api/types';
import { duration, localDateTime, localRelative, percent } from '../lib/format';
import { deviceLabel, pageBars, visitorName } from '../lib/visits';
import { PageBars } from './PageBars';
import { ErrorState, Loading } from './ui';

/** VisitCard is one visit: who, on what, when, how long, how far, and
 * the seconds spent on each page (unread pages shown as skipped). */
export function VisitCard({ visit: v, pageCount, current, showAsset }: {
  visit: Visit;
  pageCount?: number | null;
  current?: boolean;
  showAsset?: boolean;
}) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // The visit a notification points at is brought into view.
    if (current) ref.current?.scrollIntoView({ block: 'center' });
  }, [current]);
  const bars = pageBars(v.pages, v.page_count ?? pageCount).map((b) => ({ ...b, value: b.seconds, label: duration(b.seconds) }));
  const name = visitorName(v);
  return (
    <li ref={ref} className={`visit ${current ? 'current' : ''}`} aria-current={current ? 'true' : undefined}
      aria-label={`Visit by ${name}`} data-visit-id={v.id}>
      <div className="visit-head">
        <strong>{name}</strong>
        <span className="badge neutral">{(deviceLabel as Partial<Record<string, string>>)[v.device] ?? v.device}</span>
        {v.returning && <span className="badge ok">Returning</span>}
        {v.internal && <span className="badge warn" title="From your organisation: not counted as a prospect">Internal</span>}
        <span className="spacer" />
        <time className="muted small" dateTime={v.started_at} title={localDateTime(v.started_at)}>{localRelative(v.started_at)}</time>
      </div>
      {showAsset && v.asset_title && (
        <div className="small" style={{ marginBottom: 6 }}>
          Read <Link to={v.link_id ? `/links/${v.link_id}?visit=${v.id}` : `/assets/${v.asset_id}`}>{v.asset_title}</Link>
        </div>
      )}
      <div className="visit-stats">
        <span>Started {localDateTime(v.started_at)}</span>
        <span>Total time <strong>{duration(v.seconds)}</strong></span>
        <span>Completion <strong>{percent(v.completion)}</strong></span>
      </div>
      <PageBars bars={bars} label={`Seconds per page, visit by ${name}`} />
    </li>
  );
}

/** VisitList is a timeline of visits, newest first. */
export function VisitList({ visits, pageCount, currentID, showAsset }: {
  visits: Visit[];
  pageCount?: number | null;
  currentID?: string | null;
  showAsset?: boolean;
}) {
  return (
    <ol className="visits" aria-label="Visits">
      {visits.map((v) => (
        <VisitCard key={v.id} visit={v} pageCount={pageCount} current={v.id === currentID} showAsset={showAsset} />
      ))}
    </ol>
  );
}

/** DealVisits is the latest prospect visits of a deal's shared links. */
export function DealVisits({ dealID }: { dealID: string }) {
  // The latest five first; older ones a page at a time on request.
  const q = useInfiniteQuery({
    queryKey: ['deal-visits', dealID],
    queryFn: ({ pageParam }) => api.dealVisits(dealID, { limit: pageParam ? 20 : 5, cursor: pageParam || undefined }),
    initialPageParam: '',
    getNextPageParam: (p) => p.next_cursor || undefined,
    retry: false,
  });
  const visits = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="deal-visits-title">
      <h2 id="deal-visits-title">Recent visits</h2>
      {q.error ? <ErrorState error={q.error} retry={() => void q.refetch()} /> : !q.data ? <Loading /> : !visits.length ? (
        <p className="muted">No one has opened a link shared on this deal yet.</p>
      ) : (
        <>
          <VisitList visits={visits} pageCount={q.data.pages[0]?.page_count} showAsset />
          {q.hasNextPage && (
            <button type="button" className="btn small" style={{ marginTop: 12 }} disabled={q.isFetchingNextPage}
              onClick={() => void q.fetchNextPage()}>
              {q.isFetchingNextPage ? 'Loading…' : 'Older visits'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
