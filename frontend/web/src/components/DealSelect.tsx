import { useState } from 'react';
import type { Deal } from '../api/types';
import { useDeal, useDealSearch } from '../api/hooks';
import { num } from '../lib/format';
import { useDebounced } from '../lib/useDebounced';

export function dealLabel(d: Deal): string {
  return d.account && d.account !== d.name ? `${d.name} — ${d.account}` : d.name;
}

/** DealSelect picks one of the user's open deals, or none. However many
 * deals there are, a search box above the list finds them by name,
 * account or CRM id, and the list says when it shows only some. */
export function DealSelect({ value, onChange, id, noneLabel = 'No deal' }: {
  value: string;
  onChange: (id: string) => void;
  id?: string;
  noneLabel?: string;
}) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const found = useDealSearch(q);
  const chosen = useDeal(value && !found.items.some((d) => d.id === value) ? value : null);
  const deals = found.items;
  const loading = found.isLoading;
  const hintID = id ? `${id}-hint` : undefined;
  return (
    <div className="deal-select">
      <input type="search" className="input" value={text} onChange={(e) => setText(e.target.value)}
        aria-label="Find a deal" placeholder="Find a deal by name, account or CRM id" aria-controls={id} />
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} disabled={loading}
        aria-describedby={hintID}>
        <option value="">{loading ? 'Loading deals…' : found.error ? 'Deals could not be loaded' : noneLabel}</option>
        {/* The chosen deal stays listed when the search no longer finds it. */}
        {value && !deals.some((d) => d.id === value) && !loading && (
          <option value={value}>{chosen.data ? dealLabel(chosen.data) : 'Selected deal'}</option>
        )}
        {deals.map((d) => (
          <option key={d.id} value={d.id}>
            {dealLabel(d)}
          </option>
        ))}
      </select>
      <span className="hint" id={hintID} aria-live="polite">
        {found.error ? null : q && !deals.length && !loading ? `No open deal matches “${q}”.`
          : deals.length < found.total ? (
            <>
              Showing {num(deals.length)} of {num(found.total)} open deals: type to narrow, or{' '}
              <button type="button" className="link-button" disabled={found.isFetchingNextPage} onClick={() => void found.fetchNextPage()}>
                {found.isFetchingNextPage ? 'loading…' : 'show more'}
              </button>.
            </>
          ) : null}
      </span>
    </div>
  );
}
