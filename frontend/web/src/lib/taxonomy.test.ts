import { describe, expect, it } from 'vitest';
import type { Taxonomy } from '../api/types';
import { humanize, keyFromLabel, label, terms } from './taxonomy';

const tax: Taxonomy = {
  stages: [
    { key: 'proposal', label: 'Proposal', order: 4 },
    { key: 'discovery', label: 'Discovery', order: 2 },
  ],
  personas: [{ key: 'economic_buyer', label: 'Economic buyer', order: 0 }],
  industries: [],
  products: [],
};

describe('taxonomy', () => {
  it('orders terms by their order', () => expect(terms(tax, 'stages').map((t) => t.key)).toEqual(['discovery', 'proposal']));
  it('lists asset types as a facet', () => expect(terms(tax, 'types')[0].key).toBe('pdf'));
  it('finds labels', () => expect(label(tax, 'personas', 'economic_buyer')).toBe('Economic buyer'));
  it('humanises keys it does not know', () => expect(label(tax, 'stages', 'closed_won')).toBe('Closed won'));
  it('works before the taxonomy has loaded', () => expect(label(undefined, 'stages', 'proposal')).toBe('Proposal'));
  it.each([
    ['Economic buyer', 'economic_buyer'],
    ['  C-level / Exec ', 'c_level_exec'],
    ['Éducation', 'education'],
    ['!!!', ''],
  ])('keyFromLabel(%s) = %s', (l, want) => expect(keyFromLabel(l)).toBe(want));
  it('caps keys at 63 characters, as the server does', () => expect(keyFromLabel('a'.repeat(100))).toHaveLength(63));
  it('humanises', () => expect(humanize('end-user')).toBe('End user'));
});
