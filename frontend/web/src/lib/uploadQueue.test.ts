import { describe, expect, it } from 'vitest';
import { busy, fraction, nextToStart, summary, uploadReducer, type UploadItem } from './uploadQueue';

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
});

describe('cancel and retry', () => {
  it('cancels a waiting or running file, which then does not start', () => {
    let items = uploadReducer(add(3), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'progress', id: 1, loaded: 50 });
    items = uploadReducer(items, { type: 'cancel', id: 1 });
    items = uploadReducer(items, { type: 'cancel', id: 2 });
    expect(items.map((i) => i.state)).toEqual(['cancelled', 'cancelled', 'queued']);
    expect(fraction(items[0])).toBe(0);
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([3]);
  });
  it('does not cancel a finished file', () => {
    let items = uploadReducer(add(1), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'done', id: 1, assetID: 'a' });
    expect(uploadReducer(items, { type: 'cancel', id: 1 })[0].state).toBe('done');
  });
  it('keeps a cancelled file cancelled when its request then fails', () => {
    let items = uploadReducer(add(1), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'cancel', id: 1 });
    items = uploadReducer(items, { type: 'failed', id: 1, error: 'aborted' });
    expect(items[0]).toMatchObject({ state: 'cancelled', error: undefined });
  });
  it('retries a failed or cancelled file from the start, and nothing else', () => {
    let items = uploadReducer(add(3), { type: 'start', id: 1 });
    items = uploadReducer(items, { type: 'failed', id: 1, error: 'The server answered 502.' });
    items = uploadReducer(items, { type: 'cancel', id: 2 });
    items = uploadReducer(items, { type: 'retry', id: 1 });
    items = uploadReducer(items, { type: 'retry', id: 2 });
    items = uploadReducer(items, { type: 'retry', id: 3 });
    expect(items.map((i) => [i.state, i.error, i.loaded])).toEqual([['queued', undefined, 0], ['queued', undefined, 0], ['queued', undefined, 0]]);
    expect(nextToStart(items, 2).map((i) => i.id)).toEqual([1, 2]);
  });
  it('clears cancelled files with the finished ones', () => {
    let items = uploadReducer(add(2), { type: 'cancel', id: 1 });
    items = uploadReducer(items, { type: 'clear' });
    expect(items.map((i) => i.id)).toEqual([2]);
  });
  it('is busy while anything waits or runs', () => {
    let items = add(2);
    expect(busy(items)).toBe(true);
    items = uploadReducer(items, { type: 'cancel', id: 1 });
    items = uploadReducer(items, { type: 'start', id: 2 });
    expect(busy(items)).toBe(true);
    items = uploadReducer(items, { type: 'failed', id: 2, error: 'x' });
    expect(busy(items)).toBe(false);
    expect(summary(items)).toEqual({ done: 0, failed: 1, active: 0, total: 2 });
  });
});
