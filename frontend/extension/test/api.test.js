import { describe, expect, it } from 'vitest';
import { checkToken, describe as describeError, normalizeServer, originPattern, query } from '../src/api.js';

describe('normalizeServer', () => {
  it.each([
    ['stagecraft.acme.com', 'https://stagecraft.acme.com'],
    ['https://stagecraft.acme.com/', 'https://stagecraft.acme.com'],
    ['  http://127.0.0.1:8080  ', 'http://127.0.0.1:8080'],
    ['https://acme.com/stagecraft//', 'https://acme.com/stagecraft'],
    ['HTTPS://Hub.Example.com', 'https://hub.example.com'],
  ])('%s → %s', (input, want) => expect(normalizeServer(input)).toBe(want));
  it.each([
    ['', /Enter the address/],
    ['ftp://files.example.com', /https/],
    ['https://user:pw@hub.example.com', /only the server address/],
    ['https://hub.example.com/?x=1', /only the server address/],
    ['http://', /not a web address/],
  ])('refuses %j', (input, msg) => expect(() => normalizeServer(input)).toThrow(msg));
});

describe('originPattern', () => {
  it('asks for the origin only', () => expect(originPattern('https://acme.com/stagecraft')).toBe('https://acme.com/*'));
});

describe('checkToken', () => {
  it('accepts a personal token', () => expect(checkToken(' sc_abcdefghijklmnopqrstuv ')).toBe('sc_abcdefghijklmnopqrstuv'));
  it.each(['', 'eyJhbGciOiJIUzI1NiJ9.e30.x', 'sc_short'])('refuses %j', (t) => expect(() => checkToken(t)).toThrow());
});

describe('describe', () => {
  const server = 'https://hub.example.com';
  it('explains an expired or revoked token', () => {
    const e = describeError(401, { error: { code: 'unauthorized', message: 'Invalid token.' } }, server);
    expect(e.code).toBe('unauthorized');
    expect(e.message).toMatch(/expired or been revoked/);
  });
  it('passes the server message through', () => {
    expect(describeError(422, { error: { code: 'unprocessable', message: 'This asset is archived.' } }, server).message)
      .toBe('This asset is archived.');
  });
  it('names the server when it fails without a message', () => {
    expect(describeError(502, undefined, server).message).toMatch(/hub\.example\.com.*502/);
  });
  it('keeps the server message of a 503', () => {
    expect(describeError(503, { error: { code: 'unavailable', message: 'Search is down.' } }, server).message).toBe('Search is down.');
  });
});

describe('query', () => {
  it('repeats lists and drops empties', () =>
    expect(query({ q: 'a b', stage: ['x', '', 'y'], persona: [], limit: 20, deal_id: undefined })).toBe('?q=a+b&stage=x&stage=y&limit=20'));
});
