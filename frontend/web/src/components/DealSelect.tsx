import type { Deal } from '../api/types';
import { useOpenDeals } from '../api/hooks';

export function dealLabel(d: Deal): string {
  return d.account && d.account !== d.name ? `${d.name} — ${d.account}` : d.name;
}

/** DealSelect picks one of the user's open deals, or none. */
export function DealSelect({ value, onChange, id, noneLabel = 'No deal' }: {
  value: string;
  onChange: (id: string) => void;
  id?: string;
  noneLabel?: string;
}) {
  const { data, isLoading, error } = useOpenDeals();
  const deals = data?.items ?? [];
  return (
    <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} disabled={isLoading}>
      <option value="">{isLoading ? 'Loading deals…' : error ? 'Deals could not be loaded' : noneLabel}</option>
      {deals.map((d) => (
        <option key={d.id} value={d.id}>
          {dealLabel(d)}
        </option>
      ))}
      {value && !deals.some((d) => d.id === value) && !isLoading && <option value={value}>Selected deal</option>}
    </select>
  );
}
