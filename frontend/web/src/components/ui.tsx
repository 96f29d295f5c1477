import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { trapTab } from '../lib/focus';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" aria-busy="true">
      <Spinner label={label} /> <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children, icon = '○' }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="state">
      <div className="icon" aria-hidden="true">{icon}</div>
      <h3>{title}</h3>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <h3>Could not load this</h3>
      <p>{errorMessage(error)}</p>
      {retry && (
        <button className="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Alert({ error, kind }: { error?: unknown; kind?: 'info' | 'warn'; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div className={`alert ${kind ?? ''}`} role="alert">
      {errorMessage(error)}
    </div>
  );
}

/** TextField is a labelled input with an optional hint and an error
 * that is tied to the input (aria-invalid, aria-describedby). */
export function TextField({ label, hint, error, onValue, ...input }: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  onValue: (v: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'className'>) {
  const id = useId();
  // An error replaces the hint, which usually states the rule it breaks.
  const shownHint = error ? null : hint;
  const describedBy = error ? `${id}-err` : shownHint ? `${id}-hint` : undefined;
  // The label holds only its text, so the hint and error are the input's
  // description, not part of its name.
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input" {...input} aria-invalid={error ? true : undefined} aria-describedby={describedBy}
        onChange={(e) => onValue(e.target.value)} />
      {error && <span className="err" id={`${id}-err`}>{error}</span>}
      {shownHint && <span className="hint" id={`${id}-hint`}>{shownHint}</span>}
    </div>
  );
}

/** Modal is a native modal <dialog>: the page behind it is inert, Tab
 * cycles within it, Escape closes it, and focus goes back to where it was
 * when it opened. */
export function Modal({ title, onClose, children, footer }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    // The element that opened the dialog (a button, usually) gets focus back.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    return () => {
      d?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    // A click on the backdrop is a mouse shortcut for Escape, which the dialog already handles (onCancel).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <dialog ref={ref} className="modal" aria-label={title} onCancel={(e) => { e.preventDefault(); onClose(); }}
      // A modal dialog keeps Tab inside itself rather than letting it reach the browser's own controls.
      onKeyDown={(e) => { if (ref.current) trapTab(e, ref.current); }}
      onClick={(e) => { if (e.target === ref.current) onClose(); }}>
      <header>
        <h2>{title}</h2>
        <button className="btn ghost small" onClick={onClose} aria-label="Close">✕</button>
      </header>
      <div className="body">{children}</div>
      {footer && <footer>{footer}</footer>}
    </dialog>
  );
}

interface Toast {
  id: number;
  text: string;
  error?: boolean;
}
const ToastContext = createContext<(text: string, error?: boolean) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const push = useCallback((text: string, error = false) => {
    const id = next.current++;
    setToasts((t) => [...t, { id, text, error }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), error ? 7000 : 3500);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.error ? 'error' : ''}`} role={t.error ? 'alert' : 'status'}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);

/** copyText copies to the clipboard, falling back to a selected text area
 * where the async clipboard is unavailable (plain-HTTP deployments). */
export async function copyText(text: string): Promise<boolean> {
  try {
    // navigator.clipboard exists only in secure contexts (HTTPS, localhost).
    if (window.isSecureContext && 'clipboard' in navigator) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the legacy path.
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    // Deprecated, but the only way to copy where navigator.clipboard is absent (plain HTTP).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

export function SearchIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </svg>
  );
}

export function PencilIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
    </svg>
  );
}
