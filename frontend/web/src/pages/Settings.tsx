import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import * as api from '../api/endpoints';
import { useUser } from '../auth';
import { Alert, Empty, ErrorState, Loading, copyText, useToast } from '../components/ui';
import { date, relativeTime } from '../lib/format';

export default function Settings() {
  const user = useUser();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Account</h1>
          <p>{user.name ? `${user.name} · ` : ''}{user.email} · {user.role}</p>
        </div>
      </div>
      <Tokens />
    </>
  );
}

function Tokens() {
  const qc = useQueryClient();
  const toast = useToast();
  const tokens = useQuery({ queryKey: ['api-tokens'], queryFn: api.listTokens });
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.createToken(name.trim()),
    onSuccess: (t) => {
      setSecret(t.token);
      setName('');
      qc.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: () => {
      toast('Token revoked. Anything using it is signed out.');
      qc.invalidateQueries({ queryKey: ['api-tokens'] });
    },
    onError: () => qc.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="split-wide">
      <section className="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Personal API tokens</h2>
        <p className="muted">
          Tokens let the Stagecraft browser extension and your scripts act as you. Treat them like passwords; revoke any you no longer use.
        </p>
        {tokens.isLoading ? <Loading /> : tokens.error ? <ErrorState error={tokens.error} retry={() => tokens.refetch()} /> :
          !tokens.data!.items.length ? <Empty title="No tokens yet" icon="⚿" /> : (
            <div className="table-wrap">
              <table className="table">
                <thead><tr><th>Name</th><th>Token</th><th>Created</th><th>Last used</th><th /></tr></thead>
                <tbody>
                  {tokens.data!.items.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td><code>{t.prefix}…</code></td>
                      <td>{date(t.created_at)}</td>
                      <td>{relativeTime(t.last_used_at)}</td>
                      <td className="num">
                        <button className="btn small danger" disabled={revoke.isPending}
                          onClick={() => { if (window.confirm(`Revoke “${t.name}”?`)) revoke.mutate(t.id); }}>Revoke</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <Alert error={revoke.error} />
      </section>
      <section className="panel" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        {secret ? (
          <div>
            <div className="alert info">Copy it now: it is shown only once.</div>
            <div className="copy-row">
              <input className="input" readOnly value={secret} aria-label="New API token" onFocus={(e) => e.currentTarget.select()} />
              <button className="btn primary" onClick={async () => toast((await copyText(secret)) ? 'Copied.' : 'Select it and copy.')}>Copy</button>
            </div>
            <button className="btn small ghost" style={{ marginTop: 12 }} onClick={() => setSecret(null)}>Done</button>
          </div>
        ) : (
          <form onSubmit={submit}>
            <label className="field"><span>Name</span>
              <input className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)}
                placeholder="Browser extension on my laptop" />
              <span className="hint">So you can tell your tokens apart later.</span>
            </label>
            <Alert error={create.error} />
            <button className="btn primary" type="submit" disabled={create.isPending || !name.trim()}>Create token</button>
          </form>
        )}
      </section>
    </div>
  );
}
