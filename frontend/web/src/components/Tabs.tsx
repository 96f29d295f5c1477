import { useId, useRef, type ReactNode } from 'react';
import { nextTab } from '../lib/focus';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
}

/** useTabs gives a tab list and its panel ids that refer to each other. */
export function useTabs() {
  const id = useId();
  return { tab: (key: string) => `${id}-tab-${key || 'all'}`, panel: `${id}-panel` };
}

/** Tabs is a WAI-ARIA tab list: one tab in the Tab order (the selected
 * one), arrow keys, Home and End move between tabs and select them, and
 * each tab names the panel it controls. */
export function Tabs<K extends string>({ items, value, onChange, label, ids, className = 'tabs', style }: {
  items: readonly TabItem<K>[];
  value: K;
  onChange: (key: K) => void;
  label: string;
  ids: ReturnType<typeof useTabs>;
  className?: string;
  style?: React.CSSProperties;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = Math.max(0, items.findIndex((t) => t.key === value));
  return (
    <div className={className} role="tablist" aria-label={label} style={style}>
      {items.map((t, i) => (
        <button key={t.key} ref={(el) => { refs.current[i] = el; }} type="button" role="tab" id={ids.tab(t.key)}
          aria-selected={i === current} aria-controls={ids.panel} tabIndex={i === current ? 0 : -1}
          onClick={() => onChange(t.key)}
          onKeyDown={(e) => {
            const n = nextTab(e.key, i, items.length);
            if (n === null) return;
            e.preventDefault();
            refs.current[n]?.focus();
            onChange(items[n].key);
          }}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** TabPanel is the panel of a tab list, labelled by its selected tab. */
export function TabPanel({ ids, value, children, className, style }: {
  ids: ReturnType<typeof useTabs>;
  value: string;
  children: ReactNode;
  className?: string;
  style?: React.CSSProperties;
}) {
  return (
    // tabIndex: a panel whose content starts without a focusable element is reachable by Tab.
    <div role="tabpanel" id={ids.panel} aria-labelledby={ids.tab(value)} tabIndex={0} className={className} style={style}>
      {children}
    </div>
  );
}
