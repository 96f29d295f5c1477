import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import * as api from '../api/endpoints';
import type { Link } from '../api/types';
import { useAuth } from '../auth';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/ui';
import { useDebounced } from '../lib/useDebounced';
import { localDateTime, localRelative } from '../lib/format';
import { LinkStateBadge } from './LinkPage';

/** AssetTitle names a link's asset (kept with the asset page's cache). */
function AssetTitle({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['asset', id], queryFn: () => api.getAsset(id), staleTime: 5 * 60_000, retry: false });
  return <>{q.data?.title ?? (q.error ? 'Unavailable asset' : '…')}</>;
}

/** How many links the table shows a page. */
const linkPageSize = 25;

/** Links lists the links the user shared (reps) or the organisation's
 * (marketers and admins), each opening its settings and visits. */
export default function Links() {
  const { can } = useAuth();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const [page, setPage] = useState(1);
  const links = useQuery({
    queryKey: ['links', 'all', q, page],
    queryFn: () => api.listLinks({ q: q || undefined, limit: linkPageSize, offset: (page - 1) * linkPageSize }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Links</h1>
          <p>{can('admin', 'marketer') ? 'Tracked links shared in your organisation' : 'The tracked links you shared'}: who opened them, for how long, and how far they read.</p>
        </div>
      </div>
      {links.error ? <ErrorState error={links.error} retry={() => void links.refetch()} /> : !links.data ? <Loading /> :
        !links.data.items.length && !q ? (
          <Empty title="No links shared yet" icon="🔗">
            Share an asset from <RouterLink to="/search">search</RouterLink> to get a tracked link.
          </Empty>
        ) : (
          <div className="panel" style={{ padding: 0 }}>
            <div className="list-tools">
              <input type="search" className="input" value={text} aria-label="Find links by asset, recipient or deal"
                placeholder="Find by asset, recipient or deal" onChange={(e) => { setText(e.target.value); setPage(1); }} />
              <span className="spacer" />
              <Pager page={page} pageSize={linkPageSize} total={links.data.total} onPage={setPage} one="link" />
            </div>
            {!links.data.items.length && <Empty title={`No link matches “${q}”`} icon="🔗" />}
            {links.data.items.length > 0 && <div className="table-wrap">
              <table className="table stacked" aria-label="Links">
                <thead>
                  <tr><th>Asset</th><th>Recipient</th><th className="num">Visits</th><th>Last opened</th><th>Protection</th><th>Status</th><th className="hide-mobile">Shared</th></tr>
                </thead>
                <tbody>{links.data.items.map((l) => <Row key={l.id} link={l} />)}</tbody>
              </table>
            </div>}
          </div>
        )}
    </>
  );
}

function Row({ link: l }: { link: Link }) {
  const protection = [l.require_email && 'Email', l.has_passcode && 'Passcode', l.allow_download === false && 'No download']
    .filter(Boolean).join(' · ');
  return (
    <tr data-link-id={l.id}>
      <td className="first"><RouterLink to={`/links/${l.id}`}><AssetTitle id={l.asset_id} /></RouterLink></td>
      <td data-label="Recipient">{l.recipient_email ?? <span className="faint">—</span>}</td>
      <td className="num" data-label="Visits">{l.visits ?? l.opens ?? 0}</td>
      <td className="nowrap" data-label="Last opened" title={l.last_opened_at ? localDateTime(l.last_opened_at) : undefined}>
        {l.last_opened_at ? localRelative(l.last_opened_at) : <span className="faint">never</span>}
      </td>
      <td data-label="Protection">{protection || <span className="faint">None</span>}</td>
      <td data-label="Status"><LinkStateBadge link={l} /></td>
      <td className="nowrap hide-mobile">{localDateTime(l.created_at)}</td>
    </tr>
  );
}
