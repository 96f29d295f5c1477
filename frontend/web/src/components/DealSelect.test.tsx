import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Deal } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { DealSelect } from './DealSelect';

afterEach(() => vi.unstubAllGlobals());

const deal = (n: number): Deal => ({
  id: `d${n}`, external_id: `CRM-${n}`, name: `Deal ${n}`, account: `Account ${n}`, amount: null, currency: 'USD', stage: 'discovery',
  status: 'open', owner_id: rep.id, owner_email: rep.email, personas: [], industry: '', closed_at: null, created_at: '', updated_at: '',
} as unknown as Deal);
const all = Array.from({ length: 130 }, (_, i) => deal(i + 1));

/** serve answers /deals as the server does: q filters, limit and offset page. */
function serve() {
  return mockAPI({
    'GET /api/v1/deals': (url) => {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const hits = all.filter((d) => !q || `${d.name} ${d.account} ${d.external_id}`.toLowerCase().includes(q));
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset') ?? 0);
      return json({ items: hits.slice(offset, offset + limit), total: hits.length });
    },
    'GET /api/v1/deals/d129': () => json(all[128]),
  });
}

function Harness({ initial = '' }: { initial?: string }) {
  const [v, setV] = useState(initial);
  return (
    <>
      <label htmlFor="deal">Deal</label>
      <DealSelect id="deal" value={v} onChange={setV} />
      <output>{v}</output>
    </>
  );
}

describe('DealSelect', () => {
  it('says when it lists only some deals, and shows more on request', async () => {
    signIn(rep);
    const calls = serve();
    const user = userEvent.setup();
    renderApp(<Harness />);
    const select = screen.getByLabelText('Deal');
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(51));
    expect(select).toHaveAccessibleDescription(/Showing 50 of 130 open deals/);
    await user.click(screen.getByRole('button', { name: 'show more' }));
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(101));
    expect(calls.at(-1)?.url.searchParams.get('offset')).toBe('50');
    expect(calls.every((c) => c.url.searchParams.get('owner') === 'me' && c.url.searchParams.get('status') === 'open')).toBe(true);
  });

  it('finds any deal by name, account or CRM id, and keeps the chosen one listed', async () => {
    signIn(rep);
    const calls = serve();
    const user = userEvent.setup();
    renderApp(<Harness />);
    await user.type(screen.getByLabelText('Find a deal'), 'crm-129');
    const select = screen.getByLabelText('Deal');
    await waitFor(() => expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['No deal', 'Deal 129 — Account 129']));
    expect(calls.at(-1)?.url.searchParams.get('q')).toBe('crm-129');
    await user.selectOptions(select, 'd129');
    expect(screen.getByRole('status')).toHaveTextContent('d129');
    await user.clear(screen.getByLabelText('Find a deal'));
    await user.type(screen.getByLabelText('Find a deal'), 'nothing like it');
    await waitFor(() => expect(select).toHaveAccessibleDescription('No open deal matches “nothing like it”.'));
    expect(select).toHaveValue('d129');
    expect(await within(select).findByRole('option', { name: 'Deal 129 — Account 129' })).toBeInTheDocument();
  });
});
