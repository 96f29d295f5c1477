import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { ApiError } from '../api/client';
import * as api from '../api/endpoints';
import { useUser } from '../auth';
import { Alert, Empty, ErrorState, Loading, TextField, copyText, useToast } from '../components/ui';
import { date, relativeTime } from '../lib/format';
import { checkNewPassword, minPasswordLength, type NewPasswordErrors } from '../lib/password';
import { NotificationSettings } from './NotificationSettings';
import { useMoreList } from '../api/more';
import { MoreButton } from '../components/More';

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
      <NotificationSettings />
      <Tokens />
      <ChangePassword />
    </>
  );
}

type PasswordErrors = NewPasswordErrors & { current_password?: string };

/** ChangePassword changes the signed-in user's password; the server ends
 * their other sessions and keeps this one. */
export function ChangePassword() {
  const user = useUser();
  const toast = useToast();
  const empty = { current: '', next: '', confirm: '' };
  const [form, setForm] = useState(empty);
  const [errs, setErrs] = useState<PasswordErrors>({});
  const change = useMutation({
    mutationFn: () => api.changePassword(form.current, form.next),
    onSuccess: () => {
      setForm(empty);
      toast('Password changed. Your other sessions were signed out.');
    },
    onError: (err) => {
      // The server names the field it refuses; show its message there.
      if (err instanceof ApiError && err.field === 'current_password') setErrs({ current_password: err.message });
      else if (err instanceof ApiError && err.field === 'new_password') setErrs({ new_password: err.message });
    },
  });
  const set = (k: keyof typeof form) => (v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrs((e) => ({ ...e, [k === 'current' ? 'current_password' : k === 'next' ? 'new_password' : 'confirm']: undefined }));
  };
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    change.reset();
    const found: PasswordErrors = checkNewPassword(form.next, form.confirm);
    if (!form.current) found.current_password = 'Enter your current password.';
    setErrs(found);
    if (Object.keys(found).length === 0) change.mutate();
  };
  const named = change.error instanceof ApiError && (change.error.field === 'current_password' || change.error.field === 'new_password');
  return (
    <form className="panel password-form" onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <p className="muted">Changing it signs you out everywhere else; this browser stays signed in.</p>
      {/* A hidden username tells password managers whose password this is. */}
      <input type="email" autoComplete="username" value={user.email} readOnly hidden />
      <TextField label="Current password" type="password" autoComplete="current-password" required
        value={form.current} onValue={set('current')} error={errs.current_password} />
      <TextField label="New password" type="password" autoComplete="new-password" required minLength={minPasswordLength}
        value={form.next} onValue={set('next')} error={errs.new_password} hint={`At least ${minPasswordLength} characters.`} />
      <TextField label="Confirm new password" type="password" autoComplete="new-password" required
        value={form.confirm} onValue={set('confirm')} error={errs.confirm} />
      {!named && <Alert error={change.error} />}
      <button className="btn primary" type="submit" disabled={change.isPending}>
        {change.isPending ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}

function Tokens() {
  const qc = useQueryClient();
  const toast = useToast();
  const tokens = useMoreList(['api-tokens'], (limit, offset) => api.listTokens(limit, offset), 100);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.createToken(name.trim()),
    onSuccess: (t) => {
      setSecret(t.token);
      setName('');
      void qc.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeToken(id),
    onSuccess: () => {
      toast('Token revoked. Anything using it is signed out.');
      void qc.invalidateQueries({ queryKey: ['api-tokens'] });
    },
    onError: () => qc.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
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
        {tokens.error ? <ErrorState error={tokens.error} retry={() => void tokens.refetch()} /> : !tokens.data ? <Loading /> :
          !tokens.items.length ? <Empty title="No tokens yet" icon="⚿" /> : (
            <div className="table-wrap">
              <table className="table">
                <thead><tr><th>Name</th><th>Token</th><th>Created</th><th>Last used</th><th /></tr></thead>
                <tbody>
                  {tokens.items.map((t) => (
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
              <MoreButton list={tokens} noun="tokens" />
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
              <button className="btn primary" onClick={() => void copyText(secret).then((ok) => toast(ok ? 'Copied.' : 'Select it and copy.'))}>Copy</button>
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
