import { describe, expect, it } from 'vitest';
import { fraction, nextToStart, titleFromFilename, uploadReducer, type UploadItem } from './uploadQueue';

const add = (n: number) =>
  uploadReducer([], { type: 'add', items: Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `f${i + 1}.pdf`, size: 100 })) });

describe('upload queue', () => {
  it('starts at most the parallel count', () => {
    let items = add(5);
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([1, 2]);
    items = uploadReducer(items, { type: 'start', id: 1 });
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([2]);
    items = uploadReducer(items, { type: 'start', id: 2 });
    expect(nextToStart(items, 2)).toEqual([]);
    items = uploadReducer(items, { type: 'done', id: 1, assetID: 'a1' });
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([3]);
  });
  it('tracks progress, capped at the size', () => {
    let items = uploadReducer(add(1), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'progress', id: 1, loaded: 40 });
    expect(fraction(items[0])).toBe(0.4);
    items = uploadReducer(items, { type: 'progress', id: 1, loaded: 400 });
    expect(fraction(items[0])).toBe(1);
  });
  it('keeps the error of a failed file and goes on with the others', () => {
    let items = uploadReducer(add(3), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'failed', id: 1, error: 'file is larger than the 200 MB limit.' });
    expect(items[0]).toMatchObject({ state: 'failed', error: 'file is larger than the 200 MB limit.' });
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([2, 3]);
  });
  it('clears only finished items', () => {
    let items: UploadItem[] = add(3);
    items = uploadReducer(items, { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'done', id: 1, assetID: 'x' });
    items = uploadReducer(items, { type: 'start', id: 2 });
    items = uploadReducer(items, { type: 'clear' });
    expect(items.map((i) => i.id)).toEqual([2, 3]);
  });
  it('counts an empty file as not started until done', () => {
    const items = uploadReducer([], { type: 'add', items: [{ id: 9, name: 'e.txt', size: 0 }] });
    expect(fraction(items[0])).toBe(0);
    expect(fraction(uploadReducer(items, { type: 'done', id: 9, assetID: 'a' })[0])).toBe(1);
  });
  it.each([
    ['Q3_pricing-deck.v2.pdf', 'Q3 pricing deck v2'],
    ['notes.txt', 'notes'],
    ['no extension', 'no extension'],
  ])('titleFromFilename(%s) = %s', (f, want) => expect(titleFromFilename(f)).toBe(want));
});
