import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NotificationSettings as S } from '../api/types';
import { admin, json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { NotificationSettings } from './NotificationSettings';
import { OrgSettings } from './OrgSettings';

afterEach(() => vi.unstubAllGlobals());

const saved: S = {
  email: 'instant', slack_webhook_url: 'https://hooks.slack.com/services/T/B/x',
  types: { 'link.opened': true, 'asset.published': true }, slack_status: { failing: true, reason: 'HTTP 404 from hooks.slack.com' },
};

describe('NotificationSettings', () => {
  it('shows a failing webhook, and saves the choices', async () => {
    signIn(rep);
    const calls = mockAPI({
      'GET /api/v1/me/notification-settings': () => json(saved),
      'PUT /api/v1/me/notification-settings': (_u, init) => json({ ...saved, ...(JSON.parse(init.body as string) as object), slack_status: { failing: false, reason: null } }),
    });
    renderApp(<NotificationSettings />);
    expect(await screen.findByText(/Deliveries to this webhook are failing\s*: HTTP 404 from hooks.slack.com/)).toBeInTheDocument();
    expect(screen.getByLabelText('Right away')).toBeChecked();
    await userEvent.click(screen.getByLabelText('Daily digest'));
    await userEvent.click(screen.getByLabelText('New collateral fits one of my open deals'));
    await userEvent.clear(screen.getByLabelText('Slack webhook URL (optional)'));
    await userEvent.click(screen.getByRole('button', { name: 'Save notification settings' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls.find((c) => c.method === 'PUT')!.init.body as string)).toEqual({
      email: 'daily', slack_webhook_url: null, types: { 'link.opened': true, 'asset.published': false },
    });
  });

  it('reads the failing state as slack_failing too', async () => {
    signIn(rep);
    mockAPI({
      'GET /api/v1/me/notification-settings': () => json({ ...saved, slack_status: undefined, slack_failing: { since: '2026-12-02T08:00:00Z', reason: 'HTTP 410' } }),
    });
    renderApp(<NotificationSettings />);
    expect(await screen.findByText(/failing since .*2026.*: HTTP 410/)).toBeInTheDocument();
  });

  it('shows a refused webhook URL next to it', async () => {
    signIn(rep);
    mockAPI({
      'GET /api/v1/me/notification-settings': () => json({ ...saved, slack_status: null }),
      'PUT /api/v1/me/notification-settings': () =>
        json({ error: { code: 'invalid_input', message: 'slack_webhook_url may not point at a private address.', details: { field: 'slack_webhook_url' } } }, 400),
    });
    renderApp(<NotificationSettings />);
    await userEvent.click(await screen.findByRole('button', { name: 'Save notification settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('private address');
    expect(screen.getByLabelText('Slack webhook URL (optional)')).toHaveAccessibleDescription('slack_webhook_url may not point at a private address.');
  });
});

describe('OrgSettings', () => {
  it('checks domains before saving, then saves them as a list', async () => {
    signIn(admin);
    const calls = mockAPI({
      'GET /api/v1/settings': () => json({ name: 'Acme', logo_url: null, internal_domains: ['acme.com'], review_days: 180, password_login: true }),
      'PUT /api/v1/settings': (_u, init) => json({ password_login: true, ...(JSON.parse(init.body as string) as object) }),
    });
    renderApp(<OrgSettings />);
    const domains = await screen.findByLabelText('Internal email domains');
    expect(domains).toHaveValue('acme.com');
    await userEvent.type(domains, '\nlocalhost');
    await userEvent.click(screen.getByRole('button', { name: 'Save organisation settings' }));
    expect(domains).toHaveAccessibleDescription('“localhost” is not a domain name, such as acme.com.');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
    await userEvent.clear(domains);
    await userEvent.type(domains, 'acme.com, @Acme.co.uk');
    await userEvent.click(screen.getByRole('button', { name: 'Save organisation settings' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(JSON.parse(calls.find((c) => c.method === 'PUT')!.init.body as string)).toEqual({
      name: 'Acme', logo_url: null, internal_domains: ['acme.com', 'acme.co.uk'], review_days: 180,
    });
  });

  it('shows the server refusing a field next to it', async () => {
    signIn(admin);
    mockAPI({
      'GET /api/v1/settings': () => json({ name: 'Acme', logo_url: null, internal_domains: [], review_days: 180, password_login: true }),
      'PUT /api/v1/settings': () => json({ error: { code: 'invalid_input', message: 'logo_url must use https.', details: { field: 'logo_url' } } }, 400),
    });
    renderApp(<OrgSettings />);
    await userEvent.type(await screen.findByLabelText('Logo URL'), 'http://cdn.acme.com/logo.png');
    await userEvent.click(screen.getByRole('button', { name: 'Save organisation settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('logo_url must use https.');
    expect(screen.getByLabelText('Logo URL')).toHaveAttribute('aria-invalid', 'true');
  });
});
