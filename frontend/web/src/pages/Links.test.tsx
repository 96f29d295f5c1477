import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Link } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import Links from './Links';

afterEach(() => vi.unstubAllGlobals());

const base: Link = {
  id: 'l1', url: 'http://x/l/a', token: 'a', asset_id: 'a1', deal_id: null, sharer_id: 'u-rep', recipient_email: 'cio@acme.example',
  expires_at: null, revoked_at: null, created_at: '2026-12-01T10:00:00Z', opens: 3, visits: 2, last_opened_at: null,
  require_email: true, has_passcode: true, allow_download: false, notify: true,
};

describe('Links', () => {
  it('lists the links shared, each opening its page', async () => {
    signIn(rep);
    mockAPI({
      'GET /api/v1/links': () => json({ items: [base, { ...base, id: 'l2', recipient_email: null, revoked_at: '2026-12-02T00:00:00Z', require_email: false, has_passcode: false, allow_download: true }], total: 2 }),
      'GET /api/v1/assets/a1': () => json({ id: 'a1', title: 'Pricing sheet' }),
    });
    renderApp(<Links />);
    const rows = within(await screen.findByRole('table', { name: 'Links' })).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(await within(rows[0]).findByRole('link', { name: 'Pricing sheet' })).toHaveAttribute('href', '/links/l1');
    expect(rows[0]).toHaveTextContent('Email · Passcode · No download');
    expect(within(rows[0]).getByText('Active')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Revoked')).toBeInTheDocument();
    expect(within(rows[1]).getByText('None')).toBeInTheDocument();
  });

  it('says how to share when there is nothing yet', async () => {
    signIn(rep);
    mockAPI({ 'GET /api/v1/links': () => json({ items: null, total: 0 }) });
    renderApp(<Links />);
    expect(await screen.findByText('No links shared yet')).toBeInTheDocument();
  });

  it('pages past the first hundred and searches', async () => {
    signIn(rep);
    const many = Array.from({ length: 120 }, (_, i) => ({ ...base, id: `l${i}`, recipient_email: `buyer${i}@acme.example` }));
    const calls = mockAPI({
      'GET /api/v1/links': (url) => {
        const q = url.searchParams.get('q') ?? '';
        const hits = many.filter((l) => !q || l.recipient_email.includes(q));
        const limit = Number(url.searchParams.get('limit'));
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return json({ items: hits.slice(offset, offset + limit), total: hits.length });
      },
      'GET /api/v1/assets/a1': () => json({ id: 'a1', title: 'Pricing sheet' }),
    });
    const user = userEvent.setup();
    renderApp(<Links />);
    await screen.findByText('buyer0@acme.example');
    expect(screen.getByText(/Page 1 of 5 · 120 links/)).toBeInTheDocument();
    for (let i = 0; i < 4; i++) await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('buyer119@acme.example');
    await user.type(screen.getByLabelText('Find links by asset, recipient or deal'), 'buyer11');
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get('q')).toBe('buyer11'));
    await screen.findByText('buyer110@acme.example');
    expect(screen.getByText('11 links')).toBeInTheDocument();
  });
});
