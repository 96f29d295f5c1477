import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { Link } from '../api/types';
import {
  FieldError, LinkOptionsFields, checkPasscode, fieldError, optionsOf, patchOptions,
} from '../components/LinkOptions';
import { Alert, Empty, ErrorState, Loading, copyText, useToast } from '../components/ui';
import { VisitList } from '../components/Visits';
import { fromDateInput, localDateTime, plural, toDateInput } from '../lib/format';

/** linkState says whether a link still opens. */
export function linkState(l: Pick<Link, 'revoked_at' | 'expires_at'>, now = new Date()): 'revoked' | 'expired' | 'active' {
  if (l.revoked_at) return 'revoked';
  if (l.expires_at && new Date(l.expires_at) <= now) return 'expired';
  return 'active';
}

export function LinkStateBadge({ link }: { link: Link }) {
  const s = linkState(link);
  return s === 'active' ? <span className="badge ok">Active</span>
    : <span className="badge bad">{s === 'revoked' ? 'Revoked' : 'Expired'}</span>;
}

/** LinkPage is one shared link: its settings and its visits. A
 * notification opens it with ?visit= to point at one visit. */
export default function LinkPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const link = useQuery({ queryKey: ['link', id], queryFn: () => api.getLink(id) });
  const assetID = link.data?.asset_id ?? '';
  const asset = useQuery({
    queryKey: ['asset', assetID],
    queryFn: () => api.getAsset(assetID),
    enabled: !!assetID,
    retry: false,
  });
  if (link.error) return <ErrorState error={link.error} retry={() => void link.refetch()} />;
  if (!link.data) return <Loading />;
  const l = link.data;
  const title = asset.data?.title ?? 'Shared link';
  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small"><RouterLink to="/links">Links</RouterLink> / {l.recipient_email ?? 'No recipient'}</div>
          <h1>{title}</h1>
          <p>
            {l.recipient_email ? `Shared with ${l.recipient_email}` : 'Shared without a named recipient'} on {localDateTime(l.created_at)}
            {' · '}{plural(l.visits ?? l.opens ?? 0, 'visit')}
          </p>
        </div>
        <div className="btn-row">
          <LinkStateBadge link={l} />
          {asset.data && <RouterLink className="btn small" to={`/assets/${l.asset_id}`}>Open asset</RouterLink>}
        </div>
      </div>
      <div className="split-wide">
        <section className="panel" aria-labelledby="visits-title">
          <h2 id="visits-title">Visits</h2>
          <Visits link={l} current={params.get('visit')} />
        </section>
        <aside>
          <LinkSettings link={l} />
        </aside>
      </div>
    </>
  );
}

function Visits({ link, current }: { link: Link; current: string | null }) {
  const q = useInfiniteQuery({
    queryKey: ['link-visits', link.id],
    queryFn: ({ pageParam }) => api.linkVisits(link.id, { limit: 20, cursor: pageParam || undefined }),
    initialPageParam: '',
    getNextPageParam: (p) => p.next_cursor || undefined,
  });
  if (q.error) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (!q.data) return <Loading />;
  const visits = q.data.pages.flatMap((p) => p.items);
  const pageCount = q.data.pages[0]?.page_count;
  if (!visits.length) {
    return <Empty title="No visits yet" icon="👁">You will see each visit here, page by page, and get a notification when it starts.</Empty>;
  }
  return (
    <>
      <p className="muted small"><span className="legend-skipped" aria-hidden="true" />Dashed pages were skipped. Bars show the time read on each page.</p>
      <VisitList visits={visits} pageCount={pageCount} currentID={current} />
      {q.hasNextPage && (
        <button className="btn small" style={{ marginTop: 12 }} disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? 'Loading…' : 'Older visits'}
        </button>
      )}
    </>
  );
}

/** LinkSettings edits a link's protection, alerts and expiry, and revokes it. */
export function LinkSettings({ link }: { link: Link }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [options, setOptions] = useState(() => optionsOf(link));
  const [expires, setExpires] = useState(toDateInput(link.expires_at));
  const [passcodeError, setPasscodeError] = useState<string | null>(null);
  // A link saved elsewhere (or by this form) resets the form to it.
  const [seen, setSeen] = useState(link);
  if (seen !== link) {
    setSeen(link);
    setOptions(optionsOf(link));
    setExpires(toDateInput(link.expires_at));
  }
  const save = useMutation({
    mutationFn: () => {
      const body: api.LinkPatch = patchOptions(options, !!link.has_passcode);
      if (expires !== toDateInput(link.expires_at)) body.expires_at = fromDateInput(expires);
      return api.patchLink(link.id, body);
    },
    onSuccess: (l) => {
      qc.setQueryData(['link', l.id], l);
      void qc.invalidateQueries({ queryKey: ['links'] });
      toast('Link settings saved.');
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.revokeLink(link.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['link', link.id] });
      void qc.invalidateQueries({ queryKey: ['links'] });
      toast('Link revoked: it no longer opens.');
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const bad = checkPasscode(options, !!link.has_passcode);
    setPasscodeError(bad);
    if (!bad) save.mutate();
  };
  const expiresError = fieldError(save.error, 'expires_at');
  const atField = !!(expiresError || fieldError(save.error, 'passcode', 'require_email', 'allow_download', 'notify'));
  const revoked = !!link.revoked_at;
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="link-settings-title" noValidate>
      <h2 id="link-settings-title">Link settings</h2>
      <div className="copy-row" style={{ marginBottom: 12 }}>
        <input className="input link-url" readOnly value={link.url} aria-label="Tracked link" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn small" onClick={() => void copyText(link.url).then((ok) => toast(ok ? 'Copied.' : 'Select the link and copy it.', !ok))}>Copy</button>
      </div>
      <LinkOptionsFields value={options} onChange={(o) => { setOptions(o); setPasscodeError(null); }}
        hasPasscode={!!link.has_passcode} error={save.error} passcodeError={passcodeError} />
      <div className="field">
        <label htmlFor="link-expires">Expires</label>
        <input id="link-expires" className="input" type="date" value={expires} onChange={(e) => setExpires(e.target.value)}
          aria-invalid={expiresError ? true : undefined} aria-describedby={expiresError ? 'link-expires-err' : 'link-expires-hint'} />
        {!expiresError && <span className="hint" id="link-expires-hint">Empty: never expires. It stops opening at the end of the day.</span>}
        <FieldError id="link-expires-err" message={expiresError} />
      </div>
      {save.error != null && !atField && <div className="alert" role="alert">{errorMessage(save.error)}</div>}
      <Alert error={revoke.error} />
      <div className="btn-row">
        <button className="btn primary" type="submit" disabled={save.isPending || revoked}>{save.isPending ? 'Saving…' : 'Save settings'}</button>
        {!revoked && (
          <button type="button" className="btn danger" disabled={revoke.isPending}
            onClick={() => { if (window.confirm('Revoke this link? Anyone who has it can no longer open it.')) revoke.mutate(); }}>
            Revoke link
          </button>
        )}
      </div>
    </form>
  );
}
