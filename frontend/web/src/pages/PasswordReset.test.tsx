import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AuthProvider } from '../auth';
import { json, mockAPI, renderApp } from '../test/render';
import { Login } from './Login';
import { ForgotPassword, ResetPassword, sentMessage } from './PasswordReset';

afterEach(() => vi.unstubAllGlobals());

const invalidToken = () =>
  json({ error: { code: 'invalid', message: 'The link is invalid or has expired.', details: { field: 'token' } } }, 400);

async function choose(next: string, confirm = next) {
  await userEvent.type(screen.getByLabelText('New password'), next);
  await userEvent.type(screen.getByLabelText('Confirm new password'), confirm);
  await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
}

describe('ResetPassword', () => {
  it('sets the new password with the link’s token and offers to sign in', async () => {
    const calls = mockAPI({ 'POST /api/v1/auth/password-reset/confirm': () => new Response(null, { status: 204 }) });
    renderApp(<ResetPassword />, { path: '/reset-password?token=tok%2Babc', route: '/reset-password' });
    await choose('a-new-password');
    expect(await screen.findByRole('status')).toHaveTextContent('Your password is changed');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ token: 'tok+abc', new_password: 'a-new-password' });
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
  });

  it('says a used or expired link no longer works and links to a new one', async () => {
    mockAPI({ 'POST /api/v1/auth/password-reset/confirm': invalidToken });
    renderApp(<ResetPassword />, { path: '/reset-password?token=used', route: '/reset-password' });
    await choose('a-new-password');
    expect(await screen.findByRole('alert')).toHaveTextContent(/invalid, or it was already used or has expired/);
    expect(screen.getByRole('link', { name: 'Request a new link' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.queryByLabelText('New password')).toBeNull();
  });

  it('keeps the form when the server refuses the password itself', async () => {
    mockAPI({
      'POST /api/v1/auth/password-reset/confirm': () =>
        json({ error: { code: 'invalid', message: 'That password is too common.', details: { field: 'new_password' } } }, 400),
    });
    renderApp(<ResetPassword />, { path: '/reset-password?token=t', route: '/reset-password' });
    await choose('password123');
    await waitFor(() => expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/too common/));
  });

  it('checks the two passwords before sending', async () => {
    const calls = mockAPI({});
    renderApp(<ResetPassword />, { path: '/reset-password?token=t', route: '/reset-password' });
    await choose('a-new-password', 'a-new-passwort');
    expect(screen.getByLabelText('Confirm new password')).toHaveAccessibleDescription('The two passwords do not match.');
    expect(calls).toHaveLength(0);
  });

  it('explains a link without its token', () => {
    mockAPI({});
    renderApp(<ResetPassword />, { path: '/reset-password', route: '/reset-password' });
    expect(screen.getByRole('alert')).toHaveTextContent(/incomplete/);
  });
});

describe('ForgotPassword', () => {
  it('is reached from the sign-in page with the typed email, and always says the same', async () => {
    const calls = mockAPI({ 'POST /api/v1/auth/password-reset': () => new Response(null, { status: 202 }) });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={['/login']}>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<Login />} />
              <Route path="/forgot-password" element={<ForgotPassword />} />
            </Routes>
          </AuthProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByLabelText('Email'), 'nobody@example.com');
    await userEvent.click(screen.getByRole('link', { name: 'Forgot password?' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('nobody@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(await screen.findByRole('status')).toHaveTextContent(sentMessage);
    expect(sentMessage).toMatch(/^If an account exists for that address, we’ve sent a link/);
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ email: 'nobody@example.com' });
    await userEvent.click(screen.getByRole('link', { name: 'Back to sign in' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});
