import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { UploadMeta } from '../api/endpoints';
import { bytes, percent } from '../lib/format';
import { busy, fraction, nextToStart, summary, uploadReducer, type UploadItem } from '../lib/uploadQueue';

/** How many files upload at once. */
const parallelUploads = 2;

interface Uploads {
  items: UploadItem[];
  add: (files: FileList | File[], meta: UploadMeta) => void;
  cancel: (id: number) => void;
  retry: (id: number) => void;
  clear: () => void;
}

const UploadContext = createContext<Uploads | null>(null);

let nextID = 1;

/** UploadProvider runs the signed-in user's uploads. It sits above the
 * pages, so moving to another page of the app does not stop them; leaving
 * the app (closing the tab, reloading) while files upload asks first. */
export function UploadProvider({ children }: { children: ReactNode }) {
  const [items, dispatch] = useReducer(uploadReducer, []);
  // The files of the batch, kept until done so a failed or cancelled one can be retried.
  const files = useRef(new Map<number, { file: File; meta: UploadMeta }>());
  // The requests running, by item: cancelling aborts one.
  const running = useRef(new Map<number, AbortController>());
  const qc = useQueryClient();

  useEffect(() => {
    for (const item of nextToStart(items, parallelUploads)) {
      const queued = files.current.get(item.id);
      if (!queued || running.current.has(item.id)) continue;
      const ctl = new AbortController();
      running.current.set(item.id, ctl);
      dispatch({ type: 'start', id: item.id });
      api.uploadAsset(queued.file, queued.meta, (p) => dispatch({ type: 'progress', id: item.id, loaded: p.loaded }), ctl.signal)
        .then((a) => {
          files.current.delete(item.id);
          dispatch({ type: 'done', id: item.id, assetID: a.id });
          void qc.invalidateQueries({ queryKey: ['assets'] });
        })
        .catch((err: unknown) => {
          // A cancelled upload was marked so by cancel already.
          if (!ctl.signal.aborted) dispatch({ type: 'failed', id: item.id, error: errorMessage(err) });
        })
        .finally(() => running.current.delete(item.id));
    }
  }, [items, qc]);

  // Closing or reloading the tab would drop the files still to send.
  const pending = busy(items);
  useEffect(() => {
    if (!pending) return;
    const onLeave = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Safari and older browsers show the prompt only with returnValue set.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [pending]);

  // Signing out ends the uploads that were running.
  useEffect(() => {
    const r = running.current;
    return () => r.forEach((c) => c.abort());
  }, []);

  const add = useCallback((list: FileList | File[], meta: UploadMeta) => {
    const batch = Array.from(list).map((f) => {
      const id = nextID++;
      files.current.set(id, { file: f, meta });
      return { id, name: f.name, size: f.size };
    });
    if (batch.length) dispatch({ type: 'add', items: batch });
  }, []);
  const cancel = useCallback((id: number) => {
    dispatch({ type: 'cancel', id });
    running.current.get(id)?.abort();
  }, []);
  const retry = useCallback((id: number) => dispatch({ type: 'retry', id }), []);
  const clear = useCallback(() => {
    for (const i of items) if (i.state === 'done' || i.state === 'failed' || i.state === 'cancelled') files.current.delete(i.id);
    dispatch({ type: 'clear' });
  }, [items]);

  const value = useMemo(() => ({ items, add, cancel, retry, clear }), [items, add, cancel, retry, clear]);
  return <UploadContext.Provider value={value}>{children}</UploadContext.Provider>;
}

/** useUploads is the upload queue of the signed-in user. */
export function useUploads(): Uploads {
  const u = useContext(UploadContext);
  if (!u) throw new Error('useUploads needs an UploadProvider');
  return u;
}

function stateText(i: UploadItem): string {
  switch (i.state) {
    case 'queued':
      return 'Waiting';
    case 'uploading':
      return `${percent(fraction(i))} of ${bytes(i.size)}`;
    case 'done':
      return 'Uploaded';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return 'Failed';
  }
}

/** UploadList shows each file of the queue with its progress, why it
 * failed, and a button to cancel it or try it again. */
export function UploadList() {
  const { items, cancel, retry, clear } = useUploads();
  if (!items.length) return null;
  const s = summary(items);
  return (
    <section className="uploads" aria-label="Uploads">
      <ul className="upload-items">
        {items.map((i) => (
          <li key={i.id} className={`upload-item ${i.state}`}>
            <div style={{ minWidth: 0 }}>
              <div className="upload-name">
                {i.assetID ? <Link to={`/assets/${i.assetID}`}>{i.name}</Link> : i.name}
              </div>
              {i.error && <div className="small upload-error" role="alert">{i.name} could not be uploaded: {i.error}</div>}
            </div>
            <div className={`progress ${i.state}`} role="progressbar" aria-label={`Upload of ${i.name}`}
              aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction(i) * 100)}>
              <div style={{ width: `${fraction(i) * 100}%` }} />
            </div>
            <div className="small muted">{stateText(i)}</div>
            <div>
              {(i.state === 'queued' || i.state === 'uploading') && (
                <button type="button" className="btn small ghost" onClick={() => cancel(i.id)} aria-label={`Cancel upload of ${i.name}`}>Cancel</button>
              )}
              {(i.state === 'failed' || i.state === 'cancelled') && (
                <button type="button" className="btn small" onClick={() => retry(i.id)} aria-label={`Retry upload of ${i.name}`}>Retry</button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <div className="row small muted" aria-live="polite">
        <span>{s.done} of {s.total} uploaded{s.failed ? `, ${s.failed} failed` : ''}{s.active ? `, ${s.active} to go` : ''}</span>
        <span className="spacer" />
        {s.active < s.total && <button type="button" className="btn small ghost" onClick={clear}>Clear finished</button>}
      </div>
    </section>
  );
}

/** UploadStatus tells, on other pages, that files are still uploading. */
export function UploadStatus() {
  const { items } = useUploads();
  const { pathname } = useLocation();
  const s = summary(items);
  if (!s.active || pathname === '/library') return null;
  const total = items.filter((i) => i.state !== 'cancelled').reduce((n, i) => n + i.size, 0);
  const loaded = items.filter((i) => i.state !== 'cancelled').reduce((n, i) => n + fraction(i) * i.size, 0);
  return (
    <div className="upload-status" role="status">
      Uploading {s.active} {s.active === 1 ? 'file' : 'files'} · {percent(total ? loaded / total : 0)} ·{' '}
      <Link to="/library">Show</Link>
    </div>
  );
}
