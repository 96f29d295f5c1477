// The state of a batch of uploads, as a reducer: pure, so it is tested
// without a browser.

export type UploadState = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: number;
  name: string;
  size: number;
  state: UploadState;
  loaded: number;
  error?: string;
  assetID?: string;
}

export type UploadAction =
  | { type: 'add'; items: { id: number; name: string; size: number }[] }
  | { type: 'start'; id: number }
  | { type: 'progress'; id: number; loaded: number }
  | { type: 'done'; id: number; assetID: string }
  | { type: 'failed'; id: number; error: string }
  | { type: 'cancel'; id: number }
  | { type: 'retry'; id: number }
  | { type: 'clear' };

export function uploadReducer(items: UploadItem[], a: UploadAction): UploadItem[] {
  const set = (id: number, f: (i: UploadItem) => UploadItem) => items.map((i) => (i.id === id ? f(i) : i));
  switch (a.type) {
    case 'add':
      return [...items, ...a.items.map((i) => ({ ...i, state: 'queued' as const, loaded: 0 }))];
    case 'start':
      return set(a.id, (i) => ({ ...i, state: 'uploading', loaded: 0, error: undefined }));
    case 'progress':
      return set(a.id, (i) => ({ ...i, loaded: Math.min(a.loaded, i.size) }));
    case 'done':
      return set(a.id, (i) => ({ ...i, state: 'done', loaded: i.size, assetID: a.assetID }));
    case 'failed':
      // A file cancelled while its request was failing stays cancelled.
      return set(a.id, (i) => (i.state === 'uploading' ? { ...i, state: 'failed', error: a.error } : i));
    case 'cancel':
      return set(a.id, (i) => (i.state === 'queued' || i.state === 'uploading' ? { ...i, state: 'cancelled', loaded: 0, error: undefined } : i));
    case 'retry':
      return set(a.id, (i) => (i.state === 'failed' || i.state === 'cancelled' ? { ...i, state: 'queued', loaded: 0, error: undefined } : i));
    case 'clear':
      return items.filter(active);
  }
}

/** active says an item still has work to do: waiting or uploading. */
export const active = (i: UploadItem) => i.state === 'queued' || i.state === 'uploading';

/** busy says some upload of the batch is not finished, so leaving the
 * page would lose it. */
export const busy = (items: UploadItem[]) => items.some(active);

/** summary counts a batch for a status line: "2 of 5 uploaded, 1 failed". */
export function summary(items: UploadItem[]): { done: number; failed: number; active: number; total: number } {
  const count = (st: UploadState) => items.filter((i) => i.state === st).length;
  return { done: count('done'), failed: count('failed'), active: items.filter(active).length, total: items.length };
}

/** nextToStart picks the queued items that may start, given how many may
 * run at once. */
export function nextToStart(items: UploadItem[], parallel: number): UploadItem[] {
  const running = items.filter((i) => i.state === 'uploading').length;
  return items.filter((i) => i.state === 'queued').slice(0, Math.max(0, parallel - running));
}

/** fraction is an item's progress in [0, 1]. */
export function fraction(i: UploadItem): number {
  if (i.state === 'done') return 1;
  return i.size > 0 ? Math.min(1, i.loaded / i.size) : 0;
}
