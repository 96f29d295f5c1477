import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { badgeText, refreshBadge } from '../src/badge.js';

describe('badgeText', () => {
  it.each([[0, ''], [-1, ''], [Number.NaN, ''], [1, '1'], [42, '42'], [100, '99+']])('%s → %j', (n, want) => expect(badgeText(n)).toBe(want));
});

describe('refreshBadge', () => {
  let stored;
  let action;
  beforeEach(() => {
    stored = { server: 'https://hub.example.com', token: 'sc_abcdefghijklmnopqrstuv' };
    globalThis.chrome = { storage: { local: { get: vi.fn(async () => stored) } } };
    action = { setBadgeText: vi.fn(async () => {}), setTitle: vi.fn(async () => {}), setBadgeBackgroundColor: vi.fn(async () => {}) };
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete globalThis.chrome;
  });

  it('shows the unread count asked for with the token', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ items: [], unread: 3, next_cursor: null }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    expect(await refreshBadge(action)).toBe('3');
    expect(fetch.mock.calls[0][0]).toBe('https://hub.example.com/api/v1/notifications?unread=true&limit=1');
    expect(fetch.mock.calls[0][1].headers.Authorization).toBe('Bearer sc_abcdefghijklmnopqrstuv');
    expect(action.setBadgeText).toHaveBeenCalledWith({ text: '3' });
    expect(action.setTitle).toHaveBeenCalledWith({ title: 'Stagecraft: 3 unread notifications' });
  });

  it('clears the badge when the token is refused or nothing is set up', async () => {
    const refused = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'no' } }), { status: 401 }));
    vi.stubGlobal('fetch', refused);
    expect(await refreshBadge(action)).toBe('');
    expect(action.setBadgeText).toHaveBeenLastCalledWith({ text: '' });
    stored = {};
    refused.mockClear();
    expect(await refreshBadge(action)).toBe('');
    expect(refused).not.toHaveBeenCalled();
  });
});
