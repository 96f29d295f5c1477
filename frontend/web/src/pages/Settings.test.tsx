import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockAPI, renderApp, rep, signIn } from '../test/render';
import { ChangePassword } from './Settings';

afterEach(() => vi.unstubAllGlobals());

function setup(answer: () => Response) {
  signIn(rep);
  const calls = mockAPI({ 'POST /api/v1/me/password': answer });
  renderApp(<ChangePassword />);
  return calls;
}

async function fill(current: string, next: string, confirm: string) {
  if (current) await userEvent.type(screen.getByLabelText('Current password'), current);
  if (next) await userEvent.type(screen.getByLabelText('New password'), next);
  if (confirm) await userEvent.type(screen.getByLabelText('Confirm new password'), confirm);
  await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ChangePassword', () => {
  it('refuses a mismatch and a short password before asking the server', async () => {
    const calls = setup(() => new Response(null, { status: 204 }));
    await fill('old-password-1', 'new-password-1', 'new-password-2');
    expect(screen.getByLabelText('Confirm new password')).toHaveAccessibleDescription('The two passwords do not match.');
    expect(screen.getByLabelText('Confirm new password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('New password')).not.toHaveAttribute('aria-invalid');

    await userEvent.clear(screen.getByLabelText('New password'));
    await userEvent.clear(screen.getByLabelText('Confirm new password'));
    await fill('', 'short', 'short');
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/Use at least 10 characters/);
    expect(calls).toHaveLength(0);
  });

  it('shows the server’s refusal on the field it names', async () => {
    setup(() => json({ error: { code: 'invalid', message: 'The current password is wrong.', details: { field: 'current_password' } } }, 400));
    await fill('not-my-password', 'new-password-1', 'new-password-1');
    await waitFor(() => expect(screen.getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription('The current password is wrong.');
    expect(screen.queryByRole('alert')).toBeNull();
    // Typing again clears the field's error.
    await userEvent.type(screen.getByLabelText('Current password'), 'x');
    expect(screen.getByLabelText('Current password')).not.toHaveAttribute('aria-invalid');
  });

  it('sends both passwords, clears the form and stays signed in', async () => {
    const calls = setup(() => new Response(null, { status: 204 }));
    await fill('old-password-1', 'new-password-1', 'new-password-1');
    expect(await screen.findByText(/Password changed/)).toBeInTheDocument();
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ current_password: 'old-password-1', new_password: 'new-password-1' });
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok-u-rep');
    expect(screen.getByLabelText('Current password')).toHaveValue('');
    expect(screen.getByLabelText('New password')).toHaveValue('');
    expect(localStorage.getItem('stagecraft.session')).not.toBeNull();
  });

  it('shows other failures above the button', async () => {
    setup(() => json({ error: { code: 'rate_limited', message: 'Too many attempts.' } }, 429));
    await fill('old-password-1', 'new-password-1', 'new-password-1');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts.');
  });
});
