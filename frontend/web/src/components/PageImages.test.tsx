import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../api/types';
import { mockAPI, renderApp, signIn, marketer } from '../test/render';
import { PreviewBadge } from './Badges';
import { PageImages, aspect } from './PageImages';

afterEach(() => vi.unstubAllGlobals());

const deck = {
  id: 'a1', title: 'Pitch deck', type: 'deck', current_version: { id: 'v1', content_type: 'application/vnd.ms-powerpoint' },
  preview: { status: 'ready', pages: 3, page_sizes: [[960, 540], [960, 540], [595, 842]] },
} as unknown as Asset;

describe('PageImages', () => {
  it('places every page from the start and loads each image with the session', async () => {
    signIn(marketer);
    URL.createObjectURL = vi.fn(() => 'blob:page');
    URL.revokeObjectURL = vi.fn();
    const calls = mockAPI({
      'GET /api/v1/assets/a1/pages/1': () => new Response('x', { headers: { 'Content-Type': 'image/jpeg' } }),
      'GET /api/v1/assets/a1/pages/2': () => new Response('x', { headers: { 'Content-Type': 'image/jpeg' } }),
      'GET /api/v1/assets/a1/pages/3': () => new Response(null, { status: 404 }),
    });
    const { container } = renderApp(<PageImages asset={deck} />);
    expect(container.querySelectorAll('[data-page]')).toHaveLength(3);
    expect(await screen.findByRole('img', { name: 'Page 1 of 3' })).toHaveAttribute('src', 'blob:page');
    expect(await screen.findByText('Page 3 could not be loaded.', {}, { timeout: 4000 })).toBeInTheDocument();
    await waitFor(() => expect(calls.every((c) => (c.init.headers as Record<string, string>).Authorization === 'Bearer tok-u-mk')).toBe(true));
  });
});

describe('aspect', () => {
  it('reads the page size, else A4', () => {
    expect(aspect([[960, 540]], 1)).toBeCloseTo(0.5625);
    expect(aspect([[960, 540]], 2)).toBeCloseTo(0.5625);
    expect(aspect(null, 1)).toBeCloseTo(1.414, 2);
    expect(aspect([[0, 0]], 1)).toBeCloseTo(1.414, 2);
  });
});

describe('PreviewBadge', () => {
  it.each([
    ['pending', undefined, 'Preparing preview'],
    ['failed', 'LibreOffice timed out', 'Preview failed: LibreOffice timed out'],
    ['unavailable', undefined, 'Preview converter not installed'],
  ])('%s', (status, error, text) => {
    render(<PreviewBadge asset={{ preview: { status, error } } as Asset} />);
    expect(screen.getByText(text)).toBeInTheDocument();
  });
  it('says nothing when ready or absent', () => {
    const { container } = render(<><PreviewBadge asset={{ preview: { status: 'ready', pages: 2 } }} /><PreviewBadge asset={{}} /></>);
    expect(container).toBeEmptyDOMElement();
  });
});
