import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { Bell } from './Bell';

afterEach(() => vi.unstubAllGlobals());

const opened: Notification = {
  id: 'n1', type: 'link.opened', created_at: new Date(Date.now() - 5 * 60_000).toISOString(), read_at: null,
  title: 'cio@northwind.example opened Pricing sheet', body: 'Northwind security rollout', url: 'http://localhost:8080/links/l1?visit=v1',
  data: { link_id: 'l1', visit_id: 'v1' },
};
const older: Notification = { ...opened, id: 'n0', title: 'Older', read_at: '2026-12-01T10:00:00Z', url: 'http://localhost:8080/assets/a1' };

function setup() {
  signIn(rep);
  let unread = 1;
  const calls = mockAPI({
    'GET /api/v1/notifications': (url) => url.searchParams.get('unread') === 'true'
      ? json({ items: unread ? [opened] : [], unread, next_cursor: null })
      : json({ items: unread ? [opened, older] : [{ ...opened, read_at: 'x' }, older], unread, next_cursor: null }),
    'POST /api/v1/notifications/read': () => {
      unread = 0;
      return new Response(null, { status: 204 });
    },
  });
  renderApp(<Bell />, { path: '/search' });
  return calls;
}

describe('Bell', () => {
  it('says how many are unread, and polls only the unread ones', async () => {
    const calls = setup();
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toHaveAttribute('aria-expanded', 'false');
    const first = calls[0];
    expect(first.url.searchParams.get('unread')).toBe('true');
    expect(first.url.searchParams.get('limit')).toBe('10');
  });

  it('opens a notification: marks it read and goes to its page in the app', async () => {
    const calls = setup();
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }));
    const dialog = screen.getByRole('dialog', { name: 'Notifications' });
    expect(dialog).toHaveFocus();
    const item = await screen.findByRole('button', { name: /Older/ });
    expect(item).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /opened Pricing sheet.*\(unread\)/ }));
    expect(screen.getByTestId('location')).toHaveTextContent('/links/l1?visit=v1');
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/notifications/read')).toBe(true));
    const mark = calls.find((c) => c.url.pathname === '/api/v1/notifications/read')!;
    expect(JSON.parse(mark.init.body as string)).toEqual({ ids: ['n1'] });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Notifications, none unread' })).toBeInTheDocument();
  });

  it('marks all read, and Escape closes it and returns focus', async () => {
    const calls = setup();
    const bell = await screen.findByRole('button', { name: 'Notifications, 1 unread' });
    await userEvent.click(bell);
    await userEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/notifications/read')).toBe(true));
    const mark = calls.find((c) => c.url.pathname === '/api/v1/notifications/read')!;
    expect(JSON.parse(mark.init.body as string)).toEqual({ all: true });
    expect(await screen.findByRole('button', { name: 'Notifications, none unread' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Notifications, none unread' })).toHaveFocus();
  });

  it('shows older notifications a page at a time', async () => {
    signIn(rep);
    const calls = mockAPI({
      'GET /api/v1/notifications': (url) => {
        if (url.searchParams.get('unread') === 'true') return json({ items: [], unread: 0, next_cursor: null });
        return url.searchParams.get('cursor') === 'c2'
          ? json({ items: [{ ...older, id: 'n-old', title: 'Oldest of all' }], unread: 0, next_cursor: null })
          : json({ items: [opened, older], unread: 0, next_cursor: 'c2' });
      },
    });
    const user = userEvent.setup();
    renderApp(<Bell />, { path: '/search' });
    await user.click(await screen.findByRole('button', { name: 'Notifications, none unread' }));
    await user.click(await screen.findByRole('button', { name: 'Older notifications' }));
    expect(await screen.findByRole('button', { name: /Oldest of all/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Older(?!st)/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Older notifications' })).toBeNull();
    expect(calls.at(-1)?.url.searchParams.get('cursor')).toBe('c2');
  });
});
