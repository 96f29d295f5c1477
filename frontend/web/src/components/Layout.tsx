import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth, useUser } from '../auth';
import { nextTab } from '../lib/focus';
import { Bell } from './Bell';
import { ErrorBoundary } from './ErrorBoundary';
import { UploadProvider, UploadStatus } from './Uploads';

function initials(name: string, email: string): string {
  const src = name.trim() || email;
  const parts = src.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

const roleLabel = { admin: 'Admin', marketer: 'Marketer', rep: 'Sales rep' } as const;

function AccountMenu() {
  const user = useUser();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  // Going to another page closes the menu (adjusted during render, so the
  // new page never shows it open).
  const { pathname } = useLocation();
  const [menuPath, setMenuPath] = useState(pathname);
  if (menuPath !== pathname) {
    setMenuPath(pathname);
    setOpen(false);
  }
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? []);
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    // The WAI-ARIA menu pattern: focus moves to the first item.
    items()[0]?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close(true);
      }
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  // Arrow keys, Home and End move between the items; Tab leaves the menu and closes it.
  const onMenuKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Tab') {
      setOpen(false);
      return;
    }
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const n = nextTab(e.key, Math.max(0, at), list.length, true);
    if (n === null) return;
    e.preventDefault();
    list[n]?.focus();
  };
  return (
    <div className="menu" ref={ref}>
      <button ref={button} className="menu-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => { if (e.key === 'ArrowDown' && !open) { e.preventDefault(); setOpen(true); } }}>
        <span className="avatar" aria-hidden="true">{initials(user.name, user.email)}</span>
        <span className="who-name">{user.name || user.email}</span>
        <span aria-hidden="true">▾</span>
        <span className="sr-only">Account menu</span>
      </button>
      {open && (
        <div className="menu-list">
          <div className="who">
            <strong>{user.name || user.email}</strong>
            <small>{user.email}</small>
            <small>{roleLabel[user.role]}</small>
          </div>
          {/* eslint-disable-next-line jsx-a11y/interactive-supports-focus -- focus is on its items, as the menu pattern has it */}
          <div role="menu" aria-label="Account" ref={menu} onKeyDown={onMenuKey}>
            <Link role="menuitem" to="/settings" tabIndex={-1}>Account, password &amp; API tokens</Link>
            <button role="menuitem" tabIndex={-1} disabled={leaving} onClick={() => { setLeaving(true); void signOut(); }}>
              {leaving ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

export function Layout() {
  const { can } = useAuth();
  const location = useLocation();
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" />
            <span>Stagecraft</span>
          </Link>
          <nav className="nav" aria-label="Main">
            <NavLink to="/" end>Home</NavLink>
            <NavLink to="/search">Search</NavLink>
            <NavLink to="/links">Links</NavLink>
            {can('admin', 'marketer') && <NavLink to="/library">Library</NavLink>}
            {can('admin', 'marketer') && <NavLink to="/analytics">Analytics</NavLink>}
            {can('admin') && <NavLink to="/admin">Admin</NavLink>}
          </nav>
          <Bell />
          <AccountMenu />
        </div>
      </header>
      <UploadProvider>
        <main id="main" className="main" tabIndex={-1}>
          {/* Keyed by page, so moving to another page clears an error. */}
          <ErrorBoundary key={location.pathname}>
            <Outlet />
          </ErrorBoundary>
        </main>
        <UploadStatus />
      </UploadProvider>
    </>
  );
}
