import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import * as api from '../api/endpoints';
import type { Notification } from '../api/types';
import { localDateTime, localRelative } from '../lib/format';
import { trapTab } from '../lib/focus';
import { appPath, unreadLabel } from '../lib/notifications';
import { Alert, Spinner } from './ui';

/** How often the unread count is asked for while the tab is visible. */
export const pollMs = 30_000;

/** Bell shows the unread notification count in the header and, on a
 * click, the latest notifications. The count is polled every 30 s and on
 * focus; polling pauses while the tab is hidden. */
export function Bell() {
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const titleID = useId();
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: ({ signal }) => api.listNotifications({ unread: true, limit: 10 }, signal),
    refetchInterval: pollMs,
    // Neither polled nor counted while nobody looks; a return to the tab asks at once.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: 'always',
    retry: false,
  });
  // The ten latest, and older ones ten at a time on request.
  const recent = useInfiniteQuery({
    queryKey: ['notifications', 'recent'],
    queryFn: ({ signal, pageParam }) => api.listNotifications({ limit: 10, cursor: pageParam || undefined }, signal),
    initialPageParam: '',
    getNextPageParam: (p) => p.next_cursor || undefined,
    enabled: open,
    staleTime: 0,
  });
  const count = unread.data?.unread ?? 0;
  const refresh = () => void qc.invalidateQueries({ queryKey: ['notifications'] });
  const read = useMutation({ mutationFn: api.markRead, onSettled: refresh });

  // Another page closes the popover.
  const { pathname } = useLocation();
  const [shownPath, setShownPath] = useState(pathname);
  if (shownPath !== pathname) {
    setShownPath(pathname);
    setOpen(false);
  }

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    // Focus moves into the popover when it opens.
    panel.current?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      // Tab stays in the open popover; Escape closes it.
      if (panel.current) trapTab(e, panel.current);
      if (e.key === 'Escape') {
        e.preventDefault();
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const openOne = (n: Notification) => {
    if (!n.read_at) read.mutate([n.id]);
    const path = appPath(n.url);
    close(false);
    if (path) void navigate(path);
    else if (n.url) window.open(n.url, '_blank', 'noopener');
  };

  // Unread ones first show as they arrive; the recent list once loaded.
  const items = recent.data?.pages.flatMap((p) => p.items) ?? unread.data?.items ?? [];
  return (
    <div className="menu bell" ref={box}>
      <button ref={button} className="bell-button" aria-haspopup="dialog" aria-expanded={open} aria-label={unreadLabel(count)}
        onClick={() => { setOpen((o) => !o); if (!open) refresh(); }}>
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count > 0 && <span className="bell-count" aria-hidden="true">{count > 99 ? '99+' : count}</span>}
      </button>
      {open && (
        <div className="menu-list bell-panel" role="dialog" aria-labelledby={titleID} ref={panel} tabIndex={-1}>
          <div className="row bell-head">
            <h2 id={titleID}>Notifications</h2>
            <span className="spacer" />
            <button className="btn small ghost" disabled={count === 0 || read.isPending} onClick={() => read.mutate('all')}>
              Mark all read
            </button>
          </div>
          <Alert error={recent.error ?? read.error} />
          {!items.length && recent.isLoading ? (
            <div className="state"><Spinner /></div>
          ) : !items.length ? (
            <p className="muted bell-empty">Nothing yet. You hear here when someone opens a link you shared.</p>
          ) : (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id}>
                  <button className={`bell-item ${n.read_at ? '' : 'unread'}`} onClick={() => openOne(n)}>
                    <strong>{n.title}</strong>
                    {n.body && <span className="bell-body">{n.body}</span>}
                    <time className="faint small" dateTime={n.created_at} title={localDateTime(n.created_at)}>
                      {localRelative(n.created_at)}
                    </time>
                    {!n.read_at && <span className="sr-only"> (unread)</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {recent.hasNextPage && (
            <button type="button" className="btn small ghost bell-more" disabled={recent.isFetchingNextPage} onClick={() => void recent.fetchNextPage()}>
              {recent.isFetchingNextPage ? 'Loading…' : 'Older notifications'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
