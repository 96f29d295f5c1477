import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../api/types';
import { admin, json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { dateTime } from '../lib/format';
import Admin from './Admin';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const entry = (n: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `e${n}`, at: `2026-12-0${n}T10:15:00Z`, actor: { id: admin.id, email: admin.email }, action: 'user.disabled',
  target: { type: 'user', id: rep.id }, ip: '203.0.113.7', details: { email: rep.email }, ...over,
});

const first = [entry(3), entry(2, { action: 'auth.password_changed', actor: { id: rep.id, email: rep.email }, details: {} })];
const second = [entry(1, { action: 'auth.sign_in_failed', actor: null, target: null, ip: null, details: { attempts: 5 } })];

function setup(path = '/admin?tab=audit') {
  signIn(admin);
  const calls = mockAPI({
    'GET /api/v1/users': () => json({ items: [admin, rep], total: 2 }),
    'GET /api/v1/audit': (u) => {
      if (u.searchParams.get('format') === 'csv') {
        return new Response('at,actor_email,action,target_type,target_id,ip,details\n', { headers: { 'Content-Type': 'text/csv' } });
      }
      return json(u.searchParams.get('cursor') === 'c2' ? { items: second, next_cursor: null } : { items: first, next_cursor: 'c2' });
    },
  });
  renderApp(<Admin />, { path });
  return calls;
}

const audits = (calls: ReturnType<typeof setup>) =>
  calls.filter((c) => c.url.pathname === '/api/v1/audit').map((c) => Object.fromEntries(c.url.searchParams));

describe('Audit log', () => {
  beforeEach(() => {
    URL.createObjectURL = vi.fn(() => 'blob:audit');
    URL.revokeObjectURL = vi.fn();
  });

  it('lists who did what to what, from where, newest first', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'Audit entries' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    // In the browser's locale, with the zone named.
    expect(rows[0]).toHaveTextContent(dateTime('2026-12-03T10:15:00Z'));
    expect(rows[0]).toHaveTextContent(admin.email);
    expect(rows[0]).toHaveTextContent('User disabled');
    expect(rows[0]).toHaveTextContent('user.disabled');
    expect(rows[0]).toHaveTextContent('203.0.113.7');
    expect(rows[0]).toHaveTextContent(`email${rep.email}`);
    expect(rows[1]).toHaveTextContent('Password changed');
  });

  it('sends the filters from the page’s address and from the controls', async () => {
    const calls = setup(`/admin?tab=audit&action=user.disabled&from=2026-12-01`);
    await screen.findByRole('table', { name: 'Audit entries' });
    expect(audits(calls)[0]).toMatchObject({ action: 'user.disabled', from: '2026-12-01', limit: '50' });
    expect(screen.getByLabelText('Action')).toHaveValue('user.disabled');

    await screen.findByRole('option', { name: `Rita Rep (${rep.email})` });
    await userEvent.selectOptions(screen.getByLabelText('Person'), rep.id);
    await waitFor(() => expect(audits(calls).at(-1)).toMatchObject({ actor: rep.id, action: 'user.disabled' }));
    expect(screen.getByTestId('location')).toHaveTextContent(`actor=${rep.id}`);

    await userEvent.selectOptions(screen.getByLabelText('Action'), 'auth.password_changed');
    await waitFor(() => expect(audits(calls).at(-1)).toMatchObject({ action: 'auth.password_changed' }));
    await userEvent.type(screen.getByLabelText('To'), '2026-12-31');
    await waitFor(() => expect(audits(calls).at(-1)).toMatchObject({ to: '2026-12-31', from: '2026-12-01' }));

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(Object.keys(audits(calls).at(-1)!).sort()).toEqual(['limit']));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/admin\?tab=audit$/);
  });

  it('filters by an entry’s target when it is clicked', async () => {
    const calls = setup();
    await screen.findByRole('table', { name: 'Audit entries' });
    await userEvent.click(screen.getAllByTitle(`Show only entries about user ${rep.id}`)[0]);
    await waitFor(() => expect(audits(calls).at(-1)).toMatchObject({ target: rep.id }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove the target filter' }));
    await waitFor(() => expect(audits(calls).at(-1)!.target).toBeUndefined());
  });

  it('appends the next page with its cursor', async () => {
    const calls = setup('/admin?tab=audit&actor=u-ad');
    const table = await screen.findByRole('table', { name: 'Audit entries' });
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(audits(calls)[1]).toMatchObject({ cursor: 'c2', actor: 'u-ad' });
    expect(within(table).getAllByRole('row')[3]).toHaveTextContent('Repeated failed sign-ins');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('3 entries')).toBeInTheDocument();
  });

  it('downloads CSV with the same filters', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const calls = setup('/admin?tab=audit&action=user.disabled&to=2026-12-31');
    await screen.findByRole('table', { name: 'Audit entries' });
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const csv = audits(calls).find((q) => q.format === 'csv');
    expect(csv).toEqual({ format: 'csv', action: 'user.disabled', to: '2026-12-31' });
    const csvCall = calls.find((c) => c.url.searchParams.get('format') === 'csv')!;
    expect((csvCall.init.headers as Record<string, string>).Authorization).toBe('Bearer tok-u-ad');
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toMatch(/^stagecraft-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('says when nothing matches', async () => {
    signIn(admin);
    mockAPI({
      'GET /api/v1/users': () => json({ items: [admin], total: 1 }),
      'GET /api/v1/audit': () => json({ items: [], next_cursor: null }),
    });
    renderApp(<Admin />, { path: '/admin?tab=audit&action=token.revoked' });
    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
  });

  it('shows a failure with a retry', async () => {
    signIn(admin);
    mockAPI({
      'GET /api/v1/users': () => json({ items: [admin], total: 1 }),
      'GET /api/v1/audit': () => json({ error: { code: 'invalid', message: 'from: not a date.' } }, 400),
    });
    renderApp(<Admin />, { path: '/admin?tab=audit' });
    expect(await screen.findByRole('alert')).toHaveTextContent('from: not a date.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
