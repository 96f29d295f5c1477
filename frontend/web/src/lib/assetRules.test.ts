import { describe, expect, it } from 'vitest';
import { chars, cleanTags, fieldOf, splitTags, validateAssetText } from './assetRules';

describe('validateAssetText', () => {
  it.each([
    ['a title', { title: 'Q3 pricing' }, {}],
    ['an empty title', { title: '   ' }, { title: 'title must not be empty.' }],
    ['300 accented characters', { title: 'é'.repeat(300) }, {}],
    ['301 characters', { title: 'é'.repeat(301) }, { title: 'title must be at most 300 characters.' }],
    ['300 emoji (600 UTF-16 units)', { title: '📈'.repeat(300) }, {}],
    ['surrounding spaces do not count', { title: ` ${'a'.repeat(300)} ` }, {}],
    ['an empty description', { description: '' }, {}],
    ['a long description', { description: 'x'.repeat(5001) }, { description: 'description must be at most 5000 characters.' }],
    ['50 tags', { tags: Array.from({ length: 50 }, (_, i) => `t${i}`) }, {}],
    ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, { tags: 'tags: at most 50 tags.' }],
    ['51 tags with a repeat are 50', { tags: [...Array.from({ length: 50 }, (_, i) => `t${i}`), 't0'] }, {}],
    ['a long tag', { tags: ['ok', 'ø'.repeat(61)] }, { tags: `tags: "${'ø'.repeat(61)}" is longer than 60 characters.` }],
    ['a tag with quotes', { tags: [`say "hi" ${'x'.repeat(60)}`] }, { tags: `tags: "say \\"hi\\" ${'x'.repeat(60)}" is longer than 60 characters.` }],
    ['several fields', { title: '', description: 'y'.repeat(5001) },
      { title: 'title must not be empty.', description: 'description must be at most 5000 characters.' }],
  ])('%s', (_, v, want) => expect(validateAssetText(v)).toEqual(want));
});

describe('tags', () => {
  it('cleans as the server does', () => expect(cleanTags([' a', 'b', 'a', '', '  '])).toEqual(['a', 'b']));
  it('splits on commas', () => expect(splitTags('q3, pricing,,  emea ')).toEqual(['q3', 'pricing', 'emea']));
  it('counts code points', () => expect(chars('📈é')).toBe(2));
});

describe('fieldOf', () => {
  it.each([
    ['title', 'anything', 'title'],
    [undefined, 'title must not be empty.', 'title'],
    [undefined, 'description must be at most 5000 characters.', 'description'],
    [undefined, 'tags: at most 50 tags.', 'tags'],
    [undefined, 'titles are nice', 'form'],
    [undefined, 'Cannot reach the Stagecraft server.', 'form'],
  ])('field %s, message %s → %s', (f, m, want) => expect(fieldOf(f, m)).toBe(want));
});
