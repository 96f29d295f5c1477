import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockAPI, renderApp, rep } from '../test/render';
import { Login } from './Login';

afterEach(() => vi.unstubAllGlobals());

describe('Login', () => {
  it('shows the server message when sign-in fails, and keeps the form', async () => {
    mockAPI({
      'POST /api/v1/auth/login': () =>
        json({ error: { code: 'unauthorized', message: 'Email or password is wrong.' } }, 401),
    });
    renderApp(<Login />, { path: '/login', route: '/login' });
    await userEvent.type(screen.getByLabelText('Email'), 'rep@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'nope-nope-nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is wrong.');
    expect(screen.getByLabelText('Email')).toHaveValue('rep@example.com');
    expect(localStorage.getItem('stagecraft.session')).toBeNull();
  });

  it('stores the session and leaves the login page on success', async () => {
    const calls = mockAPI({
      'POST /api/v1/auth/login': () =>
        json({ token: 'jwt', expires_at: new Date(Date.now() + 3600_000).toISOString(), user: rep }),
    });
    renderApp(<Login />, { path: '/login', route: '/login' });
    await userEvent.type(screen.getByLabelText('Email'), 'rep@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ email: 'rep@example.com', password: 'correct horse' });
    expect(JSON.parse(localStorage.getItem('stagecraft.session')!)).toMatchObject({ token: 'jwt' });
  });

  it('says when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderApp(<Login />, { path: '/login', route: '/login' });
    await userEvent.type(screen.getByLabelText('Email'), 'a@b.co');
    await userEvent.type(screen.getByLabelText('Password'), 'xxxxxxxxxxxx');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the Stagecraft server');
  });
});
