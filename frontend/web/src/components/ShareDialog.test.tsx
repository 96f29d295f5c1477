import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Asset, Deal } from '../api/types';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { ShareDialog } from './ShareDialog';

afterEach(() => vi.unstubAllGlobals());

const asset = { id: 'a1', title: 'Pricing sheet', status: 'published' } as Asset;
const deal = { id: 'd1', name: 'Northwind', account: 'Northwind Traders' } as Deal;

function setup(linkResponse: () => Response) {
  signIn(rep);
  const writeText = vi.fn().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  Object.defineProperty(window, 'isSecureContext', { value: true, configurable: true });
  const calls = mockAPI({
    'GET /api/v1/deals': () => json({ items: [deal], total: 1 }),
    'POST /api/v1/links': linkResponse,
    'POST /api/v1/events': () => json({ accepted: 1, duplicates: 0, rejected: [] }, 202),
  });
  const onClose = vi.fn();
  renderApp(<ShareDialog asset={asset} dealID="d1" onClose={onClose} />);
  return { calls, writeText, onClose };
}

describe('ShareDialog', () => {
  it('creates a link on the chosen deal for the recipient and copies it', async () => {
    const url = 'http://localhost:8080/l/' + 'x'.repeat(43);
    const { calls, writeText } = setup(() => json({ id: 'l1', url, token: 'x', asset_id: 'a1', deal_id: 'd1', expires_at: null }, 201));
    await screen.findByRole('option', { name: 'Northwind — Northwind Traders' });
    expect(screen.getByLabelText('Deal')).toHaveValue('d1');
    await userEvent.type(screen.getByLabelText('Recipient email (optional)'), 'cio@northwind.example');
    await userEvent.type(screen.getByLabelText('Expires (optional)'), '2027-01-31');
    await userEvent.click(screen.getByRole('button', { name: 'Create and copy link' }));
    expect(await screen.findByLabelText('Tracked link')).toHaveValue(url);
    const create = calls.find((c) => c.url.pathname === '/api/v1/links')!;
    expect(JSON.parse(create.init.body as string)).toEqual({
      asset_id: 'a1', deal_id: 'd1', recipient_email: 'cio@northwind.example', expires_at: '2027-01-31T23:59:59Z',
    });
    expect(writeText).toHaveBeenCalledWith(url);
    // The copy is recorded as a use of the asset on the deal.
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/events')).toBe(true));
    const sent = JSON.parse(calls.find((c) => c.url.pathname === '/api/v1/events')!.init.body as string) as { events: unknown[] };
    const ev = sent.events[0];
    expect(ev).toMatchObject({ type: 'copy_link', asset_id: 'a1', deal_id: 'd1' });
  });

  it('shows why the server refused, and keeps the form', async () => {
    setup(() => json({ error: { code: 'invalid_input', message: 'recipient_email is not a valid address.', details: { field: 'recipient_email' } } }, 400));
    await screen.findByRole('option', { name: 'Northwind — Northwind Traders' });
    await userEvent.type(screen.getByLabelText('Recipient email (optional)'), 'cio@northwind');
    await userEvent.click(screen.getByRole('button', { name: 'Create and copy link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('recipient_email is not a valid address.');
    expect(screen.getByLabelText('Recipient email (optional)')).toHaveValue('cio@northwind');
  });

  it('sends the protection and alert options chosen', async () => {
    const url = 'http://localhost:8080/l/' + 'y'.repeat(43);
    const { calls } = setup(() => json({ id: 'l2', url, token: 'y', asset_id: 'a1', deal_id: 'd1', expires_at: null, has_passcode: true }, 201));
    await screen.findByRole('option', { name: 'Northwind — Northwind Traders' });
    // Downloads and alerts are on by default, nothing is protected.
    expect(screen.getByLabelText('Allow downloads')).toBeChecked();
    expect(screen.getByLabelText('Notify me when opened')).toBeChecked();
    expect(screen.getByLabelText('Require email to view')).not.toBeChecked();
    await userEvent.click(screen.getByLabelText('Require email to view'));
    await userEvent.click(screen.getByLabelText('Protect with a passcode'));
    await userEvent.type(screen.getByLabelText('Passcode'), 'ab');
    await userEvent.click(screen.getByRole('button', { name: 'Create and copy link' }));
    // Too short: refused before asking the server.
    expect(screen.getByLabelText('Passcode')).toHaveAccessibleDescription('A passcode has at least 4 characters.');
    expect(calls.some((c) => c.url.pathname === '/api/v1/links')).toBe(false);
    await userEvent.type(screen.getByLabelText('Passcode'), 'cd-42');
    await userEvent.click(screen.getByLabelText('Allow downloads'));
    await userEvent.click(screen.getByLabelText('Notify me when opened'));
    await userEvent.click(screen.getByRole('button', { name: 'Create and copy link' }));
    expect(await screen.findByLabelText('Tracked link')).toHaveValue(url);
    expect(screen.getByText(/Send the passcode to the recipient separately/)).toBeInTheDocument();
    const create = calls.find((c) => c.url.pathname === '/api/v1/links')!;
    expect(JSON.parse(create.init.body as string)).toEqual({
      asset_id: 'a1', deal_id: 'd1', require_email: true, passcode: 'abcd-42', allow_download: false, notify: false,
    });
  });

  it('shows the server refusing the passcode next to it', async () => {
    setup(() => json({ error: { code: 'invalid_input', message: 'passcode is too common.', details: { field: 'passcode' } } }, 400));
    await screen.findByRole('option', { name: 'Northwind — Northwind Traders' });
    await userEvent.click(screen.getByLabelText('Protect with a passcode'));
    await userEvent.type(screen.getByLabelText('Passcode'), '1234');
    await userEvent.click(screen.getByRole('button', { name: 'Create and copy link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('passcode is too common.');
    expect(screen.getByLabelText('Passcode')).toHaveAccessibleDescription('passcode is too common.');
    expect(screen.getByLabelText('Passcode')).toHaveAttribute('aria-invalid', 'true');
  });
});
