import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { DealVisits } from './Visits';

afterEach(() => vi.unstubAllGlobals());

describe('DealVisits', () => {
  it('lists the deal’s visits with the asset read, each opening its link page', async () => {
    signIn(rep);
    mockAPI({
      'GET /api/v1/deals/d1/visits': () => json({
        items: [{
          id: 'v1', link_id: 'l1', asset_id: 'a1', asset_title: 'Pricing sheet', visitor_email: 'cfo@acme.example',
          started_at: '2026-12-02T09:00:00Z', last_seen_at: '2026-12-02T09:01:00Z', seconds: 40, page_count: 2,
          pages: [{ page: 2, seconds: 40 }], completion: 0.5, device: 'tablet', returning: false, internal: false,
        }],
        next_cursor: null,
      }),
    });
    renderApp(<DealVisits dealID="d1" />);
    const visit = await screen.findByRole('listitem', { name: 'Visit by cfo@acme.example' });
    expect(within(visit).getByRole('link', { name: 'Pricing sheet' })).toHaveAttribute('href', '/links/l1?visit=v1');
    expect(within(visit).getByText('Tablet')).toBeInTheDocument();
    expect(within(visit).getByText('Page 1: skipped')).toBeInTheDocument();
  });

  it('says when there are none', async () => {
    signIn(rep);
    mockAPI({ 'GET /api/v1/deals/d1/visits': () => json({ items: null, next_cursor: null }) });
    renderApp(<DealVisits dealID="d1" />);
    expect(await screen.findByText(/No one has opened a link shared on this deal yet/)).toBeInTheDocument();
  });
});
