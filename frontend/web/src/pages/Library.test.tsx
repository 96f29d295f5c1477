import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../api/types';
import { json, marketer, mockAPI, renderApp, signIn } from '../test/render';
import Library from './Library';

afterEach(() => vi.unstubAllGlobals());

const asset = {
  id: 'a1', title: 'Pricing sheet', description: '', type: 'pdf', status: 'published', stages: [], personas: [],
  industries: [], products: [], tags: [], expires_at: '2027-01-31T00:00:00Z', owner_id: 'u', index_status: 'indexed',
  index_error: null, thumbnail_url: null, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
  current_version: { id: 'v1', number: 1, filename: 'p.pdf', content_type: 'application/pdf', size: 10, sha256: '', page_count: 1, uploaded_by: 'u', created_at: '' },
} as Asset;

describe('Library expiry', () => {
  it('saves only a changed day, at the end of that day', async () => {
    signIn(marketer);
    const calls = mockAPI({
      'GET /api/v1/taxonomy': () => json({ stages: [], personas: [], industries: [], products: [] }),
      'GET /api/v1/assets': () => json({ items: [asset], total: 1 }),
      'PATCH /api/v1/assets/a1': () => json(asset),
    });
    renderApp(<Library />);
    const input = await screen.findByLabelText('Expiry of Pricing sheet');
    expect(input).toHaveValue('2027-01-31');
    fireEvent.blur(input);
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    fireEvent.change(input, { target: { value: '2027-02-01' } });
    fireEvent.blur(input);
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(JSON.parse(patch.init.body as string)).toEqual({ expires_at: '2027-02-01T23:59:59Z' });
  });
});

describe('Library previews', () => {
  it('says where each preview stands', async () => {
    signIn(marketer);
    const deck = (id: string, title: string, preview: Asset['preview']) =>
      ({ ...asset, id, title, type: 'deck', preview, current_version: { ...asset.current_version, filename: `${id}.pptx` } });
    mockAPI({
      'GET /api/v1/taxonomy': () => json({ stages: [], personas: [], industries: [], products: [] }),
      'GET /api/v1/assets': () => json({
        items: [
          deck('a1', 'Pitch', { status: 'pending', pages: 0 }),
          deck('a2', 'Roadmap', { status: 'failed', pages: 0, error: 'the file is damaged' }),
          deck('a3', 'Pricing', { status: 'unavailable', pages: 0 }),
          deck('a4', 'Case study', { status: 'ready', pages: 4 }),
        ],
        total: 4,
      }),
    });
    renderApp(<Library />);
    expect(await screen.findByText('Preparing preview')).toBeInTheDocument();
    expect(screen.getByText('Preview failed: the file is damaged')).toBeInTheDocument();
    expect(screen.getByText('Preview converter not installed')).toBeInTheDocument();
    expect(screen.queryAllByText(/preview/i)).toHaveLength(3);
  });
});
