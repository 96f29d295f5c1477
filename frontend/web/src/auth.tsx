import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { configure } from './api/client';
import type { Role, Session, User } from './api/types';
import * as api from './api/endpoints';

// The session (a JWT and its user) lives in localStorage so that tabs
// share it; it is dropped when the server says it is no longer valid.
const storageKey = 'stagecraft.session';

const unauthorizedEvent = 'stagecraft:unauthorized';

// Configured at load, before any component's first request: the token is
// read from storage at each request, and a 401 signs the user out.
configure(
  () => loadSession()?.token ?? null,
  () => window.dispatchEvent(new Event(unauthorizedEvent)),
);

export function loadSession(now = Date.now()): Session | null {
  try {
    const raw = localStorage.getItem(storageKey);
    if (!raw) return null;
    // Whatever is stored may be from an older version or edited by hand.
    const s = JSON.parse(raw) as Partial<Session> | null;
    if (!s?.token || !s.user || !s.expires_at || new Date(s.expires_at).getTime() <= now) return null;
    return { token: s.token, expires_at: s.expires_at, user: s.user };
  } catch {
    return null;
  }
}

interface AuthContextValue {
  session: Session | null;
  user: User | null;
  /** Set when the last session ended on its own (expired or revoked). */
  ended: boolean;
  signIn: (email: string, password: string) => Promise<void>;
  /** signOut ends the session on the server, then here, even when the
   * server cannot be reached. */
  signOut: () => Promise<void>;
  can: (...roles: Role[]) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [ended, setEnded] = useState(false);
  const qc = useQueryClient();

  const drop = useCallback(
    (expired: boolean) => {
      localStorage.removeItem(storageKey);
      setSession(null);
      setEnded(expired);
      qc.clear();
    },
    [qc],
  );

  useEffect(() => {
    const onUnauthorized = () => drop(true);
    window.addEventListener(unauthorizedEvent, onUnauthorized);
    return () => window.removeEventListener(unauthorizedEvent, onUnauthorized);
  }, [drop]);

  // Another tab signing in or out applies here too.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === storageKey) setSession(loadSession());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // Sign out when the token expires while the page is open.
  useEffect(() => {
    if (!session) return;
    const ms = new Date(session.expires_at).getTime() - Date.now();
    const t = window.setTimeout(() => drop(true), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    return () => window.clearTimeout(t);
  }, [session, drop]);

  const value = useMemo<AuthContextValue>(
    () => ({
      session,
      user: session?.user ?? null,
      ended,
      signIn: async (email, password) => {
        const s = await api.login(email, password);
        localStorage.setItem(storageKey, JSON.stringify(s));
        qc.clear();
        setEnded(false);
        setSession(s);
      },
      signOut: async () => {
        if (session) {
          try {
            // Bounded, so an unreachable server never keeps anyone signed in.
            await api.logout(AbortSignal.timeout(5000));
          } catch {
            // Already ended, or the network is down: sign out here regardless.
          }
        }
        drop(false);
      },
      can: (...roles) => !!session && roles.includes(session.user.role),
    }),
    [session, ended, qc, drop],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** useUser returns the signed-in user; only for pages behind RequireAuth. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a session');
  return user;
}
