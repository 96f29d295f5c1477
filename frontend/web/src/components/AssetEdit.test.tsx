import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset } from '../api/types';
import { json, marketer, mockAPI, renderApp, signIn } from '../test/render';
import { AssetEditForm } from './AssetEdit';

afterEach(() => vi.unstubAllGlobals());

const asset = {
  id: 'a1', title: 'Pricing sheet', description: 'For proposals.', type: 'pdf', status: 'published', stages: [], personas: [],
  industries: [], products: [], tags: ['pricing'], expires_at: null, owner_id: 'u', index_status: 'indexed',
  index_error: null, thumbnail_url: null, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
  current_version: { id: 'v1', number: 1, filename: 'p.pdf', content_type: 'application/pdf', size: 10, sha256: '', page_count: 1, uploaded_by: 'u', created_at: '' },
} as Asset;

const patches = (calls: { method: string; init: RequestInit }[]) =>
  calls.filter((c) => c.method === 'PATCH').map((c) => JSON.parse(c.init.body as string) as Record<string, unknown>);

describe('AssetEditForm', () => {
  it('sends only what changed, tags cleaned, and closes', async () => {
    signIn(marketer);
    const calls = mockAPI({ 'PATCH /api/v1/assets/a1': () => json({ ...asset, title: 'Pricing 2027' }) });
    const done = vi.fn();
    const user = userEvent.setup();
    renderApp(<AssetEditForm asset={asset} onDone={done} />);
    const title = screen.getByLabelText('Title');
    expect(title).toHaveFocus();
    await user.clear(title);
    await user.type(title, 'Pricing 2027');
    const tags = screen.getByLabelText('Tags');
    await user.type(tags, 'emea{Enter}q3, pricing,');
    expect(screen.getAllByRole('button', { name: /^Remove tag/ }).map((b) => b.getAttribute('aria-label')))
      .toEqual(['Remove tag pricing', 'Remove tag emea', 'Remove tag q3']);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(patches(calls)).toEqual([{ title: 'Pricing 2027', tags: ['pricing', 'emea', 'q3'] }]);
  });

  it('refuses what the API would, with its messages, before sending', async () => {
    signIn(marketer);
    const calls = mockAPI({});
    const user = userEvent.setup();
    renderApp(<AssetEditForm asset={asset} onDone={() => {}} />);
    const title = screen.getByLabelText('Title');
    fireEvent.change(title, { target: { value: 'x'.repeat(301) } });
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'y'.repeat(5001) } });
    await user.type(screen.getByLabelText('Tags'), `${'z'.repeat(61)}{Enter}`);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(title).toHaveAccessibleDescription('title must be at most 300 characters.');
    expect(screen.getByLabelText('Description')).toHaveAccessibleDescription('description must be at most 5000 characters.');
    expect(screen.getByLabelText('Tags')).toHaveAccessibleDescription(`tags: "${'z'.repeat(61)}" is longer than 60 characters.`);
    await waitFor(() => expect(title).toHaveFocus());
    expect(patches(calls)).toEqual([]);
  });

  it('shows the server refusal beside the field it names', async () => {
    signIn(marketer);
    mockAPI({
      'PATCH /api/v1/assets/a1': () => json({ error: { code: 'invalid', message: 'tags: "x" is not allowed here.', details: { field: 'tags' } } }, 400),
    });
    const done = vi.fn();
    const user = userEvent.setup();
    renderApp(<AssetEditForm asset={asset} onDone={done} />);
    await user.type(screen.getByLabelText('Tags'), 'x{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByLabelText('Tags')).toHaveAccessibleDescription('tags: "x" is not allowed here.'));
    expect(done).not.toHaveBeenCalled();
  });

  it('says why when the server cannot be reached, and keeps the edits', async () => {
    signIn(marketer);
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const user = userEvent.setup();
    renderApp(<AssetEditForm asset={asset} onDone={() => {}} />);
    const title = screen.getByLabelText('Title');
    await user.type(title, ' v2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Cannot reach the Stagecraft server/);
    expect(title).toHaveValue('Pricing sheet v2');
  });

  it('removes a tag with its button or Backspace', async () => {
    signIn(marketer);
    const calls = mockAPI({ 'PATCH /api/v1/assets/a1': () => json(asset) });
    const user = userEvent.setup();
    renderApp(<AssetEditForm asset={{ ...asset, tags: ['a', 'b', 'c'] }} onDone={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Remove tag b' }));
    await user.click(screen.getByLabelText('Tags'));
    await user.keyboard('{Backspace}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches(calls)).toEqual([{ tags: ['a'] }]));
  });
});
