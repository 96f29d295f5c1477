import { describe, expect, it } from 'vitest';
import { dealHint, dealLabel, withChosen } from '../src/deals.js';

describe('deal picker', () => {
  it('labels a deal with its account when it differs', () => {
    expect(dealLabel({ name: 'Rollout', account: 'Northwind' })).toBe('Rollout — Northwind');
    expect(dealLabel({ name: 'Northwind', account: 'Northwind' })).toBe('Northwind');
    expect(dealLabel({ name: 'Solo', account: '' })).toBe('Solo');
  });
  it.each([
    [{ q: '', shown: 12, total: 12 }, ''],
    [{ q: '', shown: 50, total: 340 }, 'Showing 50 of 340 open deals: type to find others.'],
    [{ q: 'acme', shown: 0, total: 0 }, 'No open deal matches “acme”.'],
    [{ q: 'acme', shown: 3, total: 3 }, ''],
  ])('hint for %o', (s, want) => expect(dealHint(s)).toBe(want));
  it('keeps the chosen deal listed', () => {
    const a = { id: 'a' };
    const b = { id: 'b' };
    expect(withChosen([a], b)).toEqual([b, a]);
    expect(withChosen([a, b], b)).toEqual([a, b]);
    expect(withChosen([a], null)).toEqual([a]);
  });
});
