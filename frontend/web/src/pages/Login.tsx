import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { errorMessage } from '../api/client';
import { useAuth } from '../auth';

export function Login() {
  const { session, signIn, ended } = useAuth();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  const submit = async (e: FormEvent) => {
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
    <div className="login">
      <form className="panel" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Stagecraft</span>
        </div>
        <h1 id="login-title" style={{ fontSize: 18, marginBottom: 4 }}>Sign in</h1>
        <p className="muted">The right collateral for every deal, and proof of what wins.</p>
        {ended && !error && <div className="alert info">Your session ended. Sign in again to continue.</div>}
        {error != null && <div className="alert" role="alert">{errorMessage(error)}</div>}
        <label className="field">
          <span>Email</span>
          <input className="input" type="email" autoComplete="username" required autoFocus value={email}
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
      </form>
    </div>
  );
}
