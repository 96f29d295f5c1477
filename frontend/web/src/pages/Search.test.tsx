import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset, SearchResult, Taxonomy } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { SearchPage } from './Search';

afterEach(() => vi.unstubAllGlobals());

const tax: Taxonomy = {
  stages: [
    { key: 'discovery', label: 'Discovery', order: 1 },
    { key: 'evaluation', label: 'Evaluation', order: 2 },
  ],
  personas: [{ key: 'technical_buyer', label: 'Technical buyer', order: 1 }],
  industries: [],
  products: [],
};

const asset: Asset = {
  id: 'a1', title: 'Security whitepaper', description: '', type: 'pdf', status: 'published',
  stages: ['evaluation'], personas: ['technical_buyer'], industries: [], products: [], tags: [],
  expires_at: null, owner_id: 'u', index_status: 'indexed', index_error: null, thumbnail_url: null,
  created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
  current_version: { id: 'v1', number: 1, filename: 'sec.pdf', content_type: 'application/pdf', size: 1000, sha256: '', page_count: 12, uploaded_by: 'u', created_at: '' },
};

function result(q: string | null): SearchResult {
  return {
    hits: q === 'nothing' ? [] : [{ asset, score: 1, highlights: { text: 'keys and <mark>encryption</mark> at rest' } }],
    total: q === 'nothing' ? 0 : 1,
    facets: { stages: { evaluation: 1, discovery: 0 }, personas: { technical_buyer: 1 }, types: { pdf: 1 } },
    took_ms: 3,
  };
}

function setup(path = '/search') {
  signIn(rep);
  const calls = mockAPI({
    'GET /api/v1/taxonomy': () => json(tax),
    'GET /api/v1/deals': () => json({ items: [], total: 0 }),
    'GET /api/v1/search': (u) => json(result(u.searchParams.get('q'))),
  });
  renderApp(<SearchPage />, { path });
  return calls;
}

const searches = (calls: ReturnType<typeof setup>) => calls.filter((c) => c.url.pathname === '/api/v1/search');

describe('Search', () => {
  it('shows results with highlighted snippets and facet counts', async () => {
    setup('/search?q=encryption');
    const hit = await screen.findByRole('article', { name: 'Security whitepaper' });
    expect(within(hit).getByText('encryption').tagName).toBe('MARK');
    expect(within(hit).getByText('12 pages', { exact: false })).toBeInTheDocument();
    const evaluation = screen.getByRole('checkbox', { name: /Evaluation/ });
    expect(evaluation.closest('label')).toHaveTextContent('1');
    expect(screen.getByRole('checkbox', { name: /Discovery/ }).closest('label')).toHaveClass('zero');
  });

  it('searches as you type, once the typing pauses', async () => {
    const calls = setup();
    await screen.findByRole('article');
    const before = searches(calls).length;
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), 'encrpytion');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('q=encrpytion'));
    await waitFor(() => expect(searches(calls).at(-1)!.url.searchParams.get('q')).toBe('encrpytion'));
    // One search for the settled text, not one per key.
    expect(searches(calls).length - before).toBeLessThanOrEqual(2);
  });

  it('filters by a facet through the URL, OR within it', async () => {
    const calls = setup('/search?stage=discovery');
    await screen.findByRole('article');
    await userEvent.click(screen.getByRole('checkbox', { name: /Evaluation/ }));
    await waitFor(() => expect(searches(calls).at(-1)!.url.searchParams.getAll('stage')).toEqual(['discovery', 'evaluation']));
    expect(screen.getByTestId('location')).toHaveTextContent('stage=discovery&stage=evaluation');
  });

  it('has a clear empty state', async () => {
    setup('/search?q=nothing');
    expect(await screen.findByText('Nothing matches')).toBeInTheDocument();
  });

  it('shows the server error and offers a retry', async () => {
    signIn(rep);
    let fail = true;
    mockAPI({
      'GET /api/v1/taxonomy': () => json(tax),
      'GET /api/v1/deals': () => json({ items: [], total: 0 }),
      'GET /api/v1/search': () => (fail
        ? json({ error: { code: 'unavailable', message: 'Search is temporarily unavailable.' } }, 503, { 'Retry-After': '5' })
        : json(result('x'))),
    });
    renderApp(<SearchPage />, { path: '/search' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Search is temporarily unavailable.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('article')).toBeInTheDocument();
  });

  it('signs out when the session is no longer valid', async () => {
    signIn(rep);
    mockAPI({
      'GET /api/v1/taxonomy': () => json({ error: { code: 'unauthorized', message: 'Your session has expired.' } }, 401),
      'GET /api/v1/deals': () => json({ error: { code: 'unauthorized', message: 'Your session has expired.' } }, 401),
      'GET /api/v1/search': () => json({ error: { code: 'unauthorized', message: 'Your session has expired.' } }, 401),
    });
    renderApp(<SearchPage />, { path: '/search' });
    await waitFor(() => expect(localStorage.getItem('stagecraft.session')).toBeNull());
  });
});
