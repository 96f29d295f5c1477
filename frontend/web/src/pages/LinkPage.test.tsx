import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Link, Visit } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import LinkPage, { linkState } from './LinkPage';

afterEach(() => vi.unstubAllGlobals());

const link: Link = {
  id: 'l1', url: 'http://localhost:8080/l/tok', token: 'tok', asset_id: 'a1', deal_id: 'd1', sharer_id: 'u-rep',
  recipient_email: 'cio@northwind.example', expires_at: null, revoked_at: null, created_at: '2026-12-01T10:00:00Z',
  opens: 2, visits: 2, require_email: true, has_passcode: true, allow_download: true, notify: true,
};
const visits: Visit[] = [
  {
    id: 'v2', visitor_email: 'cio@northwind.example', started_at: '2026-12-02T09:00:00Z', last_seen_at: '2026-12-02T09:03:00Z',
    seconds: 95, pages: [{ page: 1, seconds: 60 }, { page: 3, seconds: 35 }], completion: 0.5, device: 'mobile', returning: true, internal: false,
  },
  {
    id: 'v1', visitor_email: null, started_at: '2026-12-01T11:00:00Z', last_seen_at: '2026-12-01T11:00:30Z',
    seconds: 30, pages: [{ page: 1, seconds: 30 }], completion: 0.25, device: 'desktop', returning: false, internal: true,
  },
];

function setup(patch: (body: Record<string, unknown>) => Response = (b) => json({ ...link, ...b, has_passcode: b.passcode === null ? false : link.has_passcode })) {
  signIn(rep);
  const calls = mockAPI({
    'GET /api/v1/links/l1': () => json(link),
    'GET /api/v1/assets/a1': () => json({ id: 'a1', title: 'Pricing sheet' }),
    'GET /api/v1/links/l1/visits': () => json({ items: visits, next_cursor: null, page_count: 4 }),
    'PATCH /api/v1/links/l1': (_u, init) => patch(JSON.parse(init.body as string) as Record<string, unknown>),
  });
  renderApp(<LinkPage />, { path: '/links/l1?visit=v2', route: '/links/:id' });
  return calls;
}

describe('LinkPage', () => {
  it('shows each visit with its pages, skipped ones too, and points at the visit asked for', async () => {
    setup();
    expect(await screen.findByRole('heading', { name: 'Pricing sheet' })).toBeInTheDocument();
    const known = await screen.findByRole('listitem', { name: 'Visit by cio@northwind.example' });
    expect(known).toHaveAttribute('aria-current', 'true');
    expect(within(known).getByText('Phone')).toBeInTheDocument();
    expect(within(known).getByText('Returning')).toBeInTheDocument();
    expect(within(known).getByText('50%')).toBeInTheDocument();
    const bars = within(known).getByRole('list', { name: /Seconds per page/ });
    expect(within(bars).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '1Page 1: 1 min', '2Page 2: skipped', '3Page 3: 35 sec', '4Page 4: skipped',
    ]);
    const anon = screen.getByRole('listitem', { name: 'Visit by Anonymous visitor' });
    expect(within(anon).getByText('Internal')).toBeInTheDocument();
    expect(anon).not.toHaveAttribute('aria-current');
  });

  it('edits the settings: removes the passcode, turns off alerts, sets an expiry', async () => {
    const calls = setup();
    await screen.findByRole('heading', { name: 'Link settings' });
    expect(screen.getByLabelText('Require email to view')).toBeChecked();
    expect(screen.getByLabelText('Protect with a passcode')).toBeChecked();
    await userEvent.click(screen.getByLabelText('Protect with a passcode'));
    await userEvent.click(screen.getByLabelText('Notify me when opened'));
    await userEvent.type(screen.getByLabelText('Expires'), '2027-03-31');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const body = JSON.parse(calls.find((c) => c.method === 'PATCH')!.init.body as string) as unknown;
    expect(body).toEqual({
      require_email: true, allow_download: true, notify: false, passcode: null, expires_at: '2027-03-31T23:59:59Z',
    });
  });

  it('shows a refused expiry next to the field', async () => {
    setup(() => json({ error: { code: 'invalid_input', message: 'expires_at must be in the future.', details: { field: 'expires_at' } } }, 400));
    await screen.findByRole('heading', { name: 'Link settings' });
    await userEvent.type(screen.getByLabelText('Expires'), '2020-01-01');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('expires_at must be in the future.');
    expect(screen.getByLabelText('Expires')).toHaveAccessibleDescription('expires_at must be in the future.');
  });
});

describe('linkState', () => {
  it('reads revoked and expired links', () => {
    const now = new Date('2026-12-03T00:00:00Z');
    expect(linkState({ revoked_at: '2026-12-01T00:00:00Z', expires_at: null }, now)).toBe('revoked');
    expect(linkState({ revoked_at: null, expires_at: '2026-12-02T00:00:00Z' }, now)).toBe('expired');
    expect(linkState({ revoked_at: null, expires_at: '2026-12-04T00:00:00Z' }, now)).toBe('active');
  });
});
