import { describe, expect, it } from 'vitest';
import { activeFilterCount, parseSearch, searchToParams, toggle } from './searchState';

describe('parseSearch', () => {
  it('reads repeated and comma-separated values, once each', () => {
    const s = parseSearch(new URLSearchParams('q=pricing&stage=evaluation&stage=proposal,evaluation&persona=champion&page=3'));
    expect(s.q).toBe('pricing');
    expect(s.stage).toEqual(['evaluation', 'proposal']);
    expect(s.persona).toEqual(['champion']);
    expect(s.page).toBe(3);
    expect(s.industry).toEqual([]);
  });
  it.each(['0', '-2', 'x', '1.5', ''])('takes page=%s as the first page', (p) =>
    expect(parseSearch(new URLSearchParams(`page=${p}`)).page).toBe(1));
  it('round-trips through the URL', () => {
    const s = parseSearch(new URLSearchParams('q=a+b&type=pdf&type=deck&deal=d1&page=2&product=core'));
    expect(parseSearch(searchToParams(s))).toEqual(s);
  });
  it('leaves defaults out of the URL', () => {
    expect(searchToParams({ q: '', page: 1, stage: [] }).toString()).toBe('');
  });
});

describe('toggle', () => {
  const base = parseSearch(new URLSearchParams('stage=discovery&page=4'));
  it('adds a value and goes back to page 1', () => {
    const s = toggle(base, 'stage', 'proposal');
    expect(s.stage).toEqual(['discovery', 'proposal']);
    expect(s.page).toBe(1);
  });
  it('removes a value that is there', () => expect(toggle(base, 'stage', 'discovery').stage).toEqual([]));
  it('does not change the input', () => {
    toggle(base, 'stage', 'proposal');
    expect(base.stage).toEqual(['discovery']);
  });
  it('counts active filters', () => expect(activeFilterCount(toggle(toggle(base, 'persona', 'x'), 'type', 'pdf'))).toBe(3));
});
