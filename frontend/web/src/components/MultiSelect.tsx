import { Fragment, useEffect, useRef } from 'react';
import type { FacetName, Taxonomy } from '../api/types';
import { label, terms } from '../lib/taxonomy';

/** MultiSelect edits a list of taxonomy keys: the chips are the current
 * value; opening it lists every term with a checkbox. Changes apply when
 * the list closes, as one save. */
export function MultiSelect({ tax, facet, value, onChange, ariaLabel, disabled }: {
  tax?: Taxonomy;
  facet: FacetName;
  value: string[];
  onChange: (v: string[]) => void;
  ariaLabel: string;
  disabled?: boolean;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const draft = useRef<string[]>(value);
  useEffect(() => {
    draft.current = value;
  }, [value]);

  const commit = () => {
    const next = draft.current;
    if (next.length !== value.length || next.some((k) => !value.includes(k))) onChange(next);
  };

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onDoc = (e: MouseEvent) => {
      if (d.open && !d.contains(e.target as Node)) d.open = false;
    };
    // Escape closes the list, and the focus goes back to its button.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !d.open) return;
      const inside = d.contains(document.activeElement);
      d.open = false;
      if (inside) d.querySelector('summary')?.focus();
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  const list = terms(tax, facet);
  const cls = facet === 'stages' ? 'stage' : facet === 'personas' ? 'persona' : '';
  return (
    <details className="multi" ref={ref} onToggle={(e) => { if (!e.currentTarget.open) commit(); }}>
      {/* The name holds the visible text too, so speech input can say what it sees. */}
      <summary aria-label={`${ariaLabel}: ${value.length ? value.map((k) => label(tax, facet, k)).join(' ') : '+ add'}`}
        aria-disabled={disabled} onClick={(e) => disabled && e.preventDefault()}>
        {/* Spaces between the chips keep their words apart in the text read out. */}
        {value.length ? value.map((k, i) => <Fragment key={k}>{i > 0 && ' '}<span className={`chip ${cls}`}>{label(tax, facet, k)}</span></Fragment>)
          : <span className="add-chip">+ add</span>}
      </summary>
      {/* Keyed by the value: after a save (or a failed one) the boxes show it again. */}
      <div className="pop" role="group" aria-label={ariaLabel} key={value.join(',')}>
        {list.map((t) => (
          <label key={t.key}>
            <input type="checkbox" defaultChecked={value.includes(t.key)}
              onChange={(e) => {
                const cur = draft.current;
                draft.current = e.target.checked ? [...cur, t.key] : cur.filter((k) => k !== t.key);
              }} />
            {t.label}
          </label>
        ))}
        {!list.length && <span className="muted small">No terms yet — an admin adds them under Admin.</span>}
      </div>
    </details>
  );
}
