import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { APIToken, User } from '../api/types';
import { admin, json, mockAPI, renderApp, rep, signIn } from '../test/render';
import Admin from './Admin';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const seen = new Date(Date.now() - 3 * 3600_000).toISOString();

function setup(patch: (id: string, body: Partial<User>) => Response, users: User[] = [
  { ...admin, created_at: '2026-01-05T00:00:00Z', disabled: false, last_seen_at: seen },
  { ...rep, created_at: '2026-02-05T00:00:00Z', disabled: false, last_seen_at: null },
]) {
  signIn(admin);
  let list = users;
  const calls = mockAPI({
    'GET /api/v1/users': () => json({ items: list, total: list.length }),
    'PATCH /api/v1/users/u-rep': (_, init) => {
      const body = JSON.parse(init.body as string) as Partial<User>;
      const res = patch('u-rep', body);
      if (res.ok) list = list.map((u) => (u.id === 'u-rep' ? { ...u, ...body } : u));
      return res;
    },
    'PATCH /api/v1/users/u-ad': (_, init) => patch('u-ad', JSON.parse(init.body as string) as Partial<User>),
  });
  renderApp(<Admin />, { path: '/admin' });
  return calls;
}

const row = (email: string) => screen.getByRole('cell', { name: email }).closest('tr')!;

describe('Admin users', () => {
  it('shows each user’s state and when they were last seen', async () => {
    setup(() => json({}));
    await screen.findByRole('cell', { name: rep.email });
    expect(within(row(admin.email)).getByText('Active')).toBeInTheDocument();
    expect(within(row(admin.email)).getByText('3 hours ago')).toBeInTheDocument();
    expect(within(row(rep.email)).getByText('never')).toBeInTheDocument();
  });

  it('disables after a confirm, then enables again', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const calls = setup((_, body) => json({ ...rep, ...body }));
    await userEvent.click(await screen.findByRole('button', { name: `Disable ${rep.email}` }));
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Disable rep@example.com\? They are signed out at once/));
    expect(await within(row(rep.email)).findByText('Disabled')).toBeInTheDocument();
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(JSON.parse(patches[0].init.body as string)).toEqual({ disabled: true });

    await userEvent.click(screen.getByRole('button', { name: `Enable ${rep.email}` }));
    expect(await within(row(rep.email)).findByText('Active')).toBeInTheDocument();
    expect(JSON.parse(calls.filter((c) => c.method === 'PATCH')[1].init.body as string)).toEqual({ disabled: false });
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('asks nothing of the server when the confirm is declined', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(false);
    const calls = setup(() => json({}));
    await userEvent.click(await screen.findByRole('button', { name: `Disable ${rep.email}` }));
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);
  });

  it('shows the refusal to disable or demote the last admin on the page', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const conflict = () =>
      json({ error: { code: 'conflict', message: 'The organisation needs at least one active admin.' } }, 409);
    setup(conflict);
    await userEvent.click(await screen.findByRole('button', { name: `Disable ${admin.email}` }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`Could not change ${admin.email}: The organisation needs at least one active admin.`);
    expect(within(row(admin.email)).getByText('Active')).toBeInTheDocument();

    await userEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText(`Role of ${admin.email}`), 'rep');
    expect(await screen.findByRole('alert')).toHaveTextContent('at least one active admin');
    await waitFor(() => expect(screen.getByLabelText(`Role of ${admin.email}`)).toHaveValue('admin'));
  });
});

describe('Admin users, many of them', () => {
  const people: User[] = Array.from({ length: 130 }, (_, i) => ({
    ...rep, id: `u${i}`, email: `person${String(i).padStart(3, '0')}@example.com`, name: `Person ${i}`, created_at: '2026-02-05T00:00:00Z',
    disabled: false, last_seen_at: null,
  }));

  it('pages past the first hundred and searches by name or email', async () => {
    signIn(admin);
    const calls = mockAPI({
      'GET /api/v1/users': (url) => {
        const q = (url.searchParams.get('q') ?? '').toLowerCase();
        const hits = people.filter((u) => !q || `${u.name} ${u.email}`.toLowerCase().includes(q));
        const limit = Number(url.searchParams.get('limit'));
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return json({ items: hits.slice(offset, offset + limit), total: hits.length });
      },
    });
    const user = userEvent.setup();
    renderApp(<Admin />, { path: '/admin' });
    await screen.findByRole('cell', { name: 'person000@example.com' });
    expect(screen.getByText(/Page 1 of 6 · 130 people/)).toBeInTheDocument();
    for (let i = 0; i < 5; i++) await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('cell', { name: 'person129@example.com' });
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(calls.at(-1)?.url.searchParams.get('offset')).toBe('125');

    await user.type(screen.getByLabelText('Find people by name or email'), 'person12');
    await screen.findByRole('cell', { name: 'person120@example.com' });
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(11));
    expect(calls.at(-1)?.url.searchParams.get('q')).toBe('person12');
    expect(calls.at(-1)?.url.searchParams.get('offset')).toBe('0');
    await user.clear(screen.getByLabelText('Find people by name or email'));
    await user.type(screen.getByLabelText('Find people by name or email'), 'nobody');
    await screen.findByText('Nobody matches “nobody”');
  });
});

describe('Admin API tokens', () => {
  const tokens: APIToken[] = [
    { id: 't1', name: 'Laptop extension', prefix: 'sc_ab12', owner: { id: rep.id, email: rep.email },
      created_at: '2026-03-01T00:00:00Z', last_used_at: null },
    { id: 't2', name: 'CRM sync', prefix: 'sc_cd34', owner: { id: admin.id, email: admin.email },
      created_at: '2026-03-02T00:00:00Z', last_used_at: seen },
  ];

  it('lists every token of the organisation with its owner and revokes one after a confirm', async () => {
    signIn(admin);
    let list = tokens;
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    const calls = mockAPI({
      'GET /api/v1/api-tokens': () => json({ items: list, total: list.length }),
      'DELETE /api/v1/api-tokens/t1': () => {
        list = list.filter((t) => t.id !== 't1');
        return new Response(null, { status: 204 });
      },
    });
    renderApp(<Admin />, { path: '/admin?tab=tokens' });
    const table = await screen.findByRole('table', { name: 'API tokens' });
    expect(calls[0].url.searchParams.get('user')).toBe('all');
    expect(within(table).getByText(rep.email)).toBeInTheDocument();
    expect(within(table).getByText('sc_cd34…')).toBeInTheDocument();
    expect(within(table).getByText('3 hours ago')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: `Revoke Laptop extension of ${rep.email}` }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining(`${rep.email}’s token “Laptop extension”`));
    await waitFor(() => expect(within(table).queryByText('Laptop extension')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('says when there are none', async () => {
    signIn(admin);
    mockAPI({ 'GET /api/v1/api-tokens': () => json({ items: [], total: 0 }) });
    renderApp(<Admin />, { path: '/admin?tab=tokens' });
    expect(await screen.findByText('No API tokens')).toBeInTheDocument();
  });
});

describe('Admin taxonomy', () => {
  const saved = {
    stages: [{ key: 'discovery', label: 'Discovery', order: 1 }, { key: 'evaluation', label: 'Evaluation', order: 2 }],
    personas: [], industries: [], products: [],
  };

  it('edits a draft that can be discarded or saved', async () => {
    signIn(admin);
    const calls = mockAPI({
      'GET /api/v1/taxonomy': () => json(saved),
      'PUT /api/v1/taxonomy': (_, init) => json(JSON.parse(init.body as string)),
    });
    renderApp(<Admin />, { path: '/admin?tab=taxonomy' });
    const save = await screen.findByRole('button', { name: 'Save taxonomy' });
    expect(save).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Move Evaluation up' }));
    expect(save).toBeEnabled();
    await userEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(save).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move Discovery up' })).toBeDisabled();

    await userEvent.type(screen.getByLabelText('Label of discovery'), ' call');
    await userEvent.click(save);
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls.find((c) => c.method === 'PUT')!.init.body as string)).toMatchObject({
      stages: [{ key: 'discovery', label: 'Discovery call', order: 1 }, { key: 'evaluation', label: 'Evaluation', order: 2 }],
    });
    await waitFor(() => expect(save).toBeDisabled());
    expect(screen.getByLabelText('Label of discovery')).toHaveValue('Discovery call');
  });
});
