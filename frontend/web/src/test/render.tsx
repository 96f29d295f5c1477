import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { vi } from 'vitest';
import { AuthProvider } from '../auth';
import { ToastProvider } from '../components/ui';
import type { Session, User } from '../api/types';
import { UploadProvider } from '../components/Uploads';

export const rep: User = { id: 'u-rep', org_id: 'o1', email: 'rep@example.com', name: 'Rita Rep', role: 'rep' };
export const marketer: User = { id: 'u-mk', org_id: 'o1', email: 'mk@example.com', name: 'Mia Marketer', role: 'marketer' };
export const admin: User = { id: 'u-ad', org_id: 'o1', email: 'ada@example.com', name: 'Ada Admin', role: 'admin' };

export function signIn(user: User) {
  const s: Session = { token: 'tok-' + user.id, expires_at: new Date(Date.now() + 3600_000).toISOString(), user };
  localStorage.setItem('stagecraft.session', JSON.stringify(s));
}

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** mockAPI replaces fetch with handlers keyed "METHOD /path"; a request
 * no handler takes fails the test loudly. */
export function mockAPI(routes: Partial<Record<string, Handler>>) {
  const calls: { method: string; url: URL; init: RequestInit }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ method, url, init });
    const h = routes[`${method} ${url.pathname}`];
    if (!h) throw new Error(`unexpected request ${method} ${url.pathname}${url.search}`);
    return h(url, init);
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

function LocationProbe() {
  const l = useLocation();
  return <div data-testid="location">{l.pathname + l.search}</div>;
}

export function renderApp(ui: ReactElement, { path = '/test', route = '*' }: { path?: string; route?: string } = {}) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <AuthProvider>
          <ToastProvider>
            <UploadProvider>
              <Routes>
                <Route path={route} element={ui} />
                <Route path="/login" element={<div>login page</div>} />
                <Route path="/" element={<div>home page</div>} />
              </Routes>
              <LocationProbe />
            </UploadProvider>
          </ToastProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
