import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { AuditParams } from '../api/endpoints';
import type { AuditEntry } from '../api/types';
import { Empty, ErrorState, Loading, Spinner, useToast } from '../components/ui';
import { actionGroups, actionLabel, auditFilterKeys, detailsText, parseAuditFilter } from '../lib/audit';
import { saveBlob, today } from '../lib/download';
import { dateTime } from '../lib/format';
import { useDebounced } from '../lib/useDebounced';

const pageSize = 50;

/** AuditLog lists who changed what in the organisation, newest first,
 * filtered by the page's query (actor, action, target, from, to). */
export function AuditLog() {
  const [params, setParams] = useSearchParams();
  const filter = parseAuditFilter(params);
  const setFilter = (k: keyof AuditParams, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const clear = () => {
    const p = new URLSearchParams(params);
    auditFilterKeys.forEach((k) => p.delete(k));
    setParams(p, { replace: true });
  };
  // The person filter lists up to 100 people; a search finds the rest.
  const [who, setWho] = useState('');
  const whoQ = useDebounced(who.trim(), 250);
  const users = useQuery({ queryKey: ['users', 'filter', whoQ], queryFn: () => api.listUsers({ q: whoQ || undefined, limit: 100 }), placeholderData: keepPreviousData });
  const log = useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam, signal }) => api.listAudit({ ...filter, limit: pageSize, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = auditFilterKeys.some((k) => filter[k]);
  const known = actionGroups.some((g) => g.actions.some(([a]) => a === filter.action));

  return (
    <section className="panel" style={{ padding: 0 }} aria-labelledby="audit-title">
      <div className="audit-head">
        <div>
          <h2 id="audit-title">Audit log</h2>
          <p className="muted small">Changes to people, access, collateral and sharing, newest first. Times are in UTC.</p>
        </div>
        <CSVButton filter={filter} />
      </div>
      <div className="audit-filters" role="group" aria-label="Filters">
        <div className="field"><label htmlFor="audit-person">Person</label>
          {(whoQ || (users.data && users.data.total > users.data.items.length)) && (
            <input type="search" className="input" value={who} onChange={(e) => setWho(e.target.value)}
              aria-label="Find a person by name or email" placeholder="Find by name or email" />
          )}
          <select id="audit-person" className="input" value={filter.actor ?? ''} onChange={(e) => setFilter('actor', e.target.value)}>
            <option value="">Anyone</option>
            {filter.actor && users.data && !users.data.items.some((u) => u.id === filter.actor) && (
              <option value={filter.actor}>{filter.actor}</option>
            )}
            {[...(users.data?.items ?? [])].sort((a, b) => a.email.localeCompare(b.email)).map((u) => (
              <option key={u.id} value={u.id}>{u.name ? `${u.name} (${u.email})` : u.email}</option>
            ))}
          </select>
          {users.data && users.data.total > users.data.items.length && (
            <span className="hint">{users.data.items.length} of {users.data.total} people listed: search to find others.</span>
          )}
        </div>
        <label className="field"><span>Action</span>
          <select className="input" value={filter.action ?? ''} onChange={(e) => setFilter('action', e.target.value)}>
            <option value="">Any action</option>
            {filter.action && !known && <option value={filter.action}>{filter.action}</option>}
            {actionGroups.map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.actions.map(([a, label]) => <option key={a} value={a}>{label}</option>)}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="field"><span>From</span>
          <input className="input" type="date" value={filter.from ?? ''} max={filter.to} onChange={(e) => setFilter('from', e.target.value)} />
        </label>
        <label className="field"><span>To</span>
          <input className="input" type="date" value={filter.to ?? ''} min={filter.from} onChange={(e) => setFilter('to', e.target.value)} />
        </label>
        {filtered && <button className="btn ghost" onClick={clear}>Clear filters</button>}
      </div>
      {filter.target && (
        <div className="chips" style={{ padding: '0 16px 12px' }}>
          <span className="chip">Target {filter.target}
            <button onClick={() => setFilter('target', '')} aria-label="Remove the target filter">×</button>
          </span>
        </div>
      )}
      {log.error && !log.data ? <ErrorState error={log.error} retry={() => void log.refetch()} /> : !log.data ? <Loading /> :
        !entries.length ? (
          <Empty title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'} icon="☰">
            {filtered ? 'Try a wider date range or another person.' : 'Changes appear here as people make them.'}
          </Empty>
        ) : (
          <>
            <div className="table-wrap" aria-busy={log.isFetching}>
              <table className="table audit stacked" aria-label="Audit entries">
                <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>IP</th><th>Details</th></tr></thead>
                <tbody>
                  {entries.map((e) => <Row key={e.id} entry={e} onTarget={(id) => setFilter('target', id)} />)}
                </tbody>
              </table>
            </div>
            <div className="row" style={{ padding: 12 }}>
              <span className="muted small">{entries.length === 1 ? '1 entry' : `${entries.length} entries`}{log.hasNextPage ? ' so far' : ''}</span>
              {log.isFetching && !log.isFetchingNextPage && <Spinner label="Updating" />}
              <span className="spacer" />
              {log.error && <span className="small" role="alert" style={{ color: 'var(--bad)' }}>{errorMessage(log.error)}</span>}
              {log.hasNextPage && (
                <button className="btn" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                  {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              )}
            </div>
          </>
        )}
    </section>
  );
}

function Row({ entry: e, onTarget }: { entry: AuditEntry; onTarget: (id: string) => void }) {
  const details = detailsText(e.details);
  const { target } = e;
  return (
    <tr>
      <td className="nowrap first"><time dateTime={e.at}>{dateTime(e.at)}</time></td>
      <td data-label="Who">{e.actor?.email ?? <span className="faint">—</span>}</td>
      <td data-label="Action">
        <div>
          <div>{actionLabel(e.action)}</div>
          <code className="faint small">{e.action}</code>
        </div>
      </td>
      <td data-label="Target">
        {target && !target.id ? <span className="muted">{target.type}</span> : target ? (
          <button className="link-button" title={`Show only entries about ${target.type} ${target.id}`} onClick={() => onTarget(target.id)}>
            <span className="muted">{target.type}</span> <code className="small">{target.id.length > 13 ? `${target.id.slice(0, 8)}…` : target.id}</code>
          </button>
        ) : <span className="faint">—</span>}
      </td>
      <td className="nowrap" data-label="IP">{e.ip || <span className="faint">—</span>}</td>
      <td className="audit-details" data-label="Details">
        {details.length ? (
          <dl>{details.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
        ) : <span className="faint">—</span>}
      </td>
    </tr>
  );
}

function CSVButton({ filter }: { filter: AuditParams }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      saveBlob(await api.auditCSV(filter), `stagecraft-audit-${today()}.csv`);
    } catch (err) {
      toast(errorMessage(err), true);
    } finally {
      setBusy(false);
    }
  };
  return <button className="btn" onClick={() => void download()} disabled={busy}>{busy ? 'Preparing…' : 'Download CSV'}</button>;
}
