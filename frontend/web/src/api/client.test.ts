import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildQuery, parseError, request } from './client';
import { wholeBody } from './endpoints';

afterEach(() => vi.unstubAllGlobals());

describe('buildQuery', () => {
  it('repeats arrays and drops empty values', () =>
    expect(buildQuery({ q: 'a b', stage: ['x', 'y', ''], deal_id: undefined, persona: [], limit: 20, empty: '' }))
      .toBe('?q=a+b&stage=x&stage=y&limit=20'));
  it('is empty without parameters', () => expect(buildQuery({})).toBe(''));
});

describe('parseError', () => {
  it('reads the error body, field and Retry-After', async () => {
    const err = await parseError(new Response(
      JSON.stringify({ error: { code: 'invalid', message: 'stages: unknown key "x".', details: { field: 'stages' } } }),
      { status: 400, headers: { 'Retry-After': '7' } },
    ));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid', message: 'stages: unknown key "x".', field: 'stages', retryAfter: 7 });
  });
  it('explains a proxy error page that is not JSON', async () => {
    const err = await parseError(new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(err.message).toMatch(/temporarily unavailable/);
    expect(err.code).toBe('http_502');
  });
});

describe('request', () => {
  it('says the server cannot be reached when fetch fails', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(request('/me')).rejects.toMatchObject({ status: 0, code: 'network' });
    await expect(request('/me')).rejects.toThrow(/Cannot reach/);
  });
  it('sends JSON and returns nothing for 204', async () => {
    const f = vi.fn<typeof fetch>().mockResolvedValue(new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', f);
    await expect(request('/links/x', { method: 'DELETE', body: { a: 1 } })).resolves.toBeUndefined();
    expect(f.mock.calls[0][0]).toBe('/api/v1/links/x');
    expect(f.mock.calls[0][1]).toMatchObject({ method: 'DELETE', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
  });
  it('returns nothing for an accepted request without a body', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('', { status: 202 })));
    await expect(request('/auth/password-reset', { method: 'POST', body: { email: 'a@b.co' } })).resolves.toBeUndefined();
  });
});

describe('wholeBody', () => {
  it('passes a whole download through', async () => {
    const b = await wholeBody(new Response('a,b\n1,2\n'));
    expect(await b.text()).toBe('a,b\n1,2\n');
  });
  it('says plainly when the download was cut short', async () => {
    const broken = new Response(new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('a,b\n'));
        c.error(new TypeError('network error'));
      },
    }));
    await expect(wholeBody(broken)).rejects.toThrow('The export stopped before the end, so nothing was saved. Try again.');
  });
});
