import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMoreList } from '../api/more';
import { MoreButton } from '../components/More';
import * as api from '../api/endpoints';
import type { APIToken } from '../api/types';
import { useUser } from '../auth';
import { Alert, Empty, ErrorState, Loading, useToast } from '../components/ui';
import { date, dateTime, relativeTime } from '../lib/format';

/** OrgTokens lists every live API token of the organisation, with whom it
 * acts as, and lets an admin revoke any of them. */
export function OrgTokens() {
  const me = useUser();
  const qc = useQueryClient();
  const toast = useToast();
  const tokens = useMoreList(['api-tokens', 'all'], (limit, offset) => api.listOrgTokens(limit, offset), 100);
  const revoke = useMutation({
    mutationFn: (t: APIToken) => api.revokeToken(t.id),
    onSuccess: (_, t) => {
      toast(`Revoked “${t.name}”. Anything using it is signed out.`);
      // Also the admin's own list on the account page.
      void qc.invalidateQueries({ queryKey: ['api-tokens'] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
    onError: () => qc.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  const ask = (t: APIToken) => {
    const owner = t.owner?.id === me.id ? 'your' : t.owner ? `${t.owner.email}’s` : 'the';
    if (window.confirm(`Revoke ${owner} token “${t.name}”? Anything using it stops working at once.`)) revoke.mutate(t);
  };
  return (
    <section className="panel" style={{ padding: 0 }} aria-labelledby="org-tokens-title">
      <div style={{ padding: '16px 16px 0' }}>
        <h2 id="org-tokens-title">API tokens of the organisation</h2>
        <p className="muted">
          Tokens let the browser extension and scripts act as the person who made them. Revoke any that are lost, unused or
          belong to someone who left; people create their own under Account.
        </p>
        <Alert error={revoke.error} />
      </div>
      {tokens.error ? <ErrorState error={tokens.error} retry={() => void tokens.refetch()} /> : !tokens.data ? <Loading /> :
        !tokens.items.length ? <Empty title="No API tokens" icon="⚿">Nobody in the organisation has a token.</Empty> : (
          <div className="table-wrap">
            <table className="table stacked" aria-label="API tokens">
              <thead><tr><th>Name</th><th>Owner</th><th>Token</th><th>Created</th><th>Last used</th><th /></tr></thead>
              <tbody>
                {tokens.items.map((t) => (
                  <tr key={t.id}>
                    <td className="first">{t.name}</td>
                    <td data-label="Owner">{t.owner?.email ?? '—'}{t.owner?.id === me.id && <span className="faint small"> (you)</span>}</td>
                    <td data-label="Token"><code>{t.prefix}…</code></td>
                    <td className="nowrap" data-label="Created">{date(t.created_at)}</td>
                    <td className="nowrap" data-label="Last used" title={t.last_used_at ? dateTime(t.last_used_at) : undefined}>
                      {t.last_used_at ? relativeTime(t.last_used_at) : <span className="faint">never</span>}
                    </td>
                    <td className="num">
                      <button className="btn small danger" disabled={revoke.isPending && revoke.variables.id === t.id}
                        aria-label={`Revoke ${t.name} of ${t.owner?.email ?? 'unknown owner'}`} onClick={() => ask(t)}>Revoke</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div style={{ padding: '0 12px 12px' }}><MoreButton list={tokens} noun="tokens" /></div>
          </div>
        )}
    </section>
  );
}
