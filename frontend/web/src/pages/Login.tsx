import { useState, type SubmitEvent, type ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { errorMessage } from '../api/client';
import { useAuth } from '../auth';

/** AuthCard is the frame of the pages used signed out: sign-in and the
 * password reset. */
export function AuthCard({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  return (
    <div className="login">
      <section className="panel" aria-labelledby="auth-title">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Stagecraft</span>
        </div>
        <h1 id="auth-title" style={{ fontSize: 18, marginBottom: 4 }}>{title}</h1>
        {lead && <p className="muted">{lead}</p>}
        {children}
      </section>
    </div>
  );
}

export function Login() {
  const { session, signIn, ended } = useAuth();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in" lead="The right collateral for every deal, and proof of what wins.">
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        {ended && !error && <div className="alert info">Your session ended. Sign in again to continue.</div>}
        {error != null && <div className="alert" role="alert">{errorMessage(error)}</div>}
        <label className="field">
          <span>Email</span>
          <input className="input" type="email" autoComplete="username" required value={email}
            // The page is there for this field: focus starts in it, as in a native sign-in window.
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus
            onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input className="input" type="password" autoComplete="current-password" required value={password}
            onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button className="btn primary" type="submit" disabled={busy} style={{ width: '100%', marginTop: 8 }}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="small" style={{ margin: '12px 0 0', textAlign: 'center' }}>
          <Link to="/forgot-password" state={{ email }}>Forgot password?</Link>
        </p>
      </form>
    </AuthCard>
  );
}
