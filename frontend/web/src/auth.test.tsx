import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAuth } from './auth';
import { Layout } from './components/Layout';
import { json, mockAPI, renderApp, rep, signIn } from './test/render';

afterEach(() => vi.unstubAllGlobals());

/** Shell is the app's frame while signed in; signed out, it says whether
 * the session ended on its own (which the sign-in page then reports). */
function Shell() {
  const { session, ended } = useAuth();
  return session ? <Layout /> : <div>signed out{ended ? ', session ended' : ''}</div>;
}

async function signOutFromMenu() {
  await userEvent.click(screen.getByRole('button', { name: /Account menu/ }));
  await userEvent.click(screen.getByRole('menuitem', { name: 'Sign out' }));
}

describe('sign out', () => {
  it('ends the session on the server with its token, then here', async () => {
    signIn(rep);
    const all = mockAPI({
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      // The header's bell asks for the unread count.
      'GET /api/v1/notifications': () => json({ items: [], unread: 0, next_cursor: null }),
    });
    renderApp(<Shell />);
    await signOutFromMenu();
    await waitFor(() => expect(localStorage.getItem('stagecraft.session')).toBeNull());
    expect(screen.getByText('signed out')).toBeInTheDocument();
    const calls = all.filter((c) => c.url.pathname === '/api/v1/auth/logout');
    expect(calls).toHaveLength(1);
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok-u-rep');
  });

  it('signs out here when the server cannot be reached', async () => {
    signIn(rep);
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderApp(<Shell />);
    await signOutFromMenu();
    await waitFor(() => expect(localStorage.getItem('stagecraft.session')).toBeNull());
    expect(vi.mocked(fetch).mock.calls.filter(([url]) => (url as string).includes('/auth/logout'))).toHaveLength(1);
  });

  it('signs out when the session had already ended on the server', async () => {
    signIn(rep);
    mockAPI({
      'POST /api/v1/auth/logout': () => json({ error: { code: 'unauthorized', message: 'Sign in.' } }, 401),
      'GET /api/v1/notifications': () => json({ items: [], unread: 0, next_cursor: null }),
    });
    renderApp(<Shell />);
    await signOutFromMenu();
    await waitFor(() => expect(localStorage.getItem('stagecraft.session')).toBeNull());
    // Signing out on purpose is not a session that ended on its own.
    expect(await screen.findByText('signed out')).toBeInTheDocument();
  });
});
