// Resetting a forgotten password, signed out: ask for a link by email,
// then choose a new password on the page the link opens.
import { useState, type SubmitEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import * as api from '../api/endpoints';
import { Alert, TextField } from '../components/ui';
import { checkNewPassword, minPasswordLength, type NewPasswordErrors } from '../lib/password';
import { AuthCard } from './Login';

/** sentMessage is the same whether or not the address has an account, so
 * the page never tells who has one. */
export const sentMessage = 'If an account exists for that address, we’ve sent a link to reset its password.';

export function ForgotPassword() {
  const location = useLocation();
  const [email, setEmail] = useState((location.state as { email?: string } | null)?.email ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.requestPasswordReset(email.trim());
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <AuthCard title="Check your email">
        <div className="alert info" role="status">{sentMessage}</div>
        <p className="muted">The link works once, for an hour. No email? Check the spam folder, or ask an admin of your organisation.</p>
        <p className="btn-row">
          <button className="btn" onClick={() => setSent(false)}>Use another address</button>
          <Link className="btn ghost" to="/login">Back to sign in</Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Reset your password" lead="Enter the email you sign in with and we’ll send you a link to choose a new password.">
      <form onSubmit={(e) => void submit(e)} aria-label="Reset your password">
        <Alert error={error} />
        {/* The page is there for this field: focus starts in it. */}
        {/* eslint-disable-next-line jsx-a11y/no-autofocus */}
        <TextField label="Email" type="email" autoComplete="username" required autoFocus value={email} onValue={setEmail} />
        <button className="btn primary" type="submit" disabled={busy || !email.trim()} style={{ width: '100%', marginTop: 8 }}>
          {busy ? 'Sending…' : 'Send reset link'}
        </button>
        <p className="small" style={{ margin: '12px 0 0', textAlign: 'center' }}><Link to="/login">Back to sign in</Link></p>
      </form>
    </AuthCard>
  );
}

export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [form, setForm] = useState({ next: '', confirm: '' });
  const [errs, setErrs] = useState<NewPasswordErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [state, setState] = useState<'form' | 'done' | 'invalid'>(token ? 'form' : 'invalid');

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const found = checkNewPassword(form.next, form.confirm);
    setErrs(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await api.confirmPasswordReset(token, form.next);
      setState('done');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.field === 'new_password') setErrs({ new_password: err.message });
      else if (err instanceof ApiError && err.status === 400) setState('invalid');
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (state === 'done') {
    return (
      <AuthCard title="Password changed">
        <div className="alert info" role="status">Your password is changed. Sign in with the new one.</div>
        <Link className="btn primary" to="/login" style={{ width: '100%' }}>Sign in</Link>
      </AuthCard>
    );
  }
  if (state === 'invalid') {
    return (
      <AuthCard title="This link no longer works">
        <div className="alert" role="alert">
          {token
            ? 'This password reset link is invalid, or it was already used or has expired. Each link works once, for an hour.'
            : 'This password reset link is incomplete. Open the link from the email again, or ask for a new one.'}
        </div>
        <p className="btn-row">
          <Link className="btn primary" to="/forgot-password">Request a new link</Link>
          <Link className="btn ghost" to="/login">Back to sign in</Link>
        </p>
      </AuthCard>
    );
  }
  const set = (k: 'next' | 'confirm') => (v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrs((x) => ({ ...x, [k === 'next' ? 'new_password' : 'confirm']: undefined }));
  };
  return (
    <AuthCard title="Choose a new password">
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Choose a new password">
        <Alert error={error} />
        {/* The page is there for this field: focus starts in it. */}
        {/* eslint-disable-next-line jsx-a11y/no-autofocus */}
        <TextField label="New password" type="password" autoComplete="new-password" required minLength={minPasswordLength} autoFocus
          value={form.next} onValue={set('next')} error={errs.new_password} hint={`At least ${minPasswordLength} characters.`} />
        <TextField label="Confirm new password" type="password" autoComplete="new-password" required
          value={form.confirm} onValue={set('confirm')} error={errs.confirm} />
        <button className="btn primary" type="submit" disabled={busy} style={{ width: '100%', marginTop: 8 }}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </AuthCard>
  );
}
