// Keyboard focus helpers for dialogs and tabs.

const focusableSelector = [
  'a[href]', 'button:not([disabled])', 'input:not([disabled]):not([type="hidden"])', 'select:not([disabled])',
  'textarea:not([disabled])', 'summary', '[tabindex]:not([tabindex="-1"])', 'audio[controls]', 'video[controls]',
].join(',');

/** focusables lists the elements of root that Tab reaches, in order
 * (hidden ones left out). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(focusableSelector)).filter(
    (el) => !el.hidden && !el.closest('[hidden], [inert]') && el.getAttribute('aria-hidden') !== 'true',
  );
}

/** trapTab keeps Tab and Shift+Tab inside root: from the last element
 * Tab goes to the first, from the first Shift+Tab to the last. It returns
 * whether it moved focus (the event is then cancelled). */
export function trapTab(e: KeyboardEvent | React.KeyboardEvent, root: HTMLElement): boolean {
  if (e.key !== 'Tab') return false;
  const list = focusables(root);
  if (!list.length) {
    e.preventDefault();
    root.focus();
    return true;
  }
  const first = list[0];
  const last = list[list.length - 1];
  const active = document.activeElement;
  const outside = !root.contains(active);
  if (e.shiftKey && (active === first || active === root || outside)) {
    e.preventDefault();
    last.focus();
    return true;
  }
  if (!e.shiftKey && (active === last || outside)) {
    e.preventDefault();
    first.focus();
    return true;
  }
  return false;
}

/** nextTab says which tab of count a key moves to from current, as the
 * WAI-ARIA tabs pattern has it (arrows wrap; Home and End go to the
 * ends), or null for other keys. */
export function nextTab(key: string, current: number, count: number, vertical = false): number | null {
  if (count <= 0) return null;
  const prev = vertical ? 'ArrowUp' : 'ArrowLeft';
  const next = vertical ? 'ArrowDown' : 'ArrowRight';
  switch (key) {
    case prev:
      return (current - 1 + count) % count;
    case next:
      return (current + 1) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
  }
  return null;
}
