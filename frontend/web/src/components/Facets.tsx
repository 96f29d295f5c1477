import type { SearchResult, Taxonomy } from '../api/types';
import { facetOfParam, facetParams, type FacetParam, type SearchState } from '../lib/searchState';
import { terms } from '../lib/taxonomy';

const titles: Record<FacetParam, string> = {
  stage: 'Deal stage',
  persona: 'Buyer persona',
  industry: 'Industry',
  product: 'Product',
  type: 'Type',
};

/** Facets lists each facet's values with their counts; a value with no
 * matches stays listed (greyed) so the choice remains visible. */
export function Facets({ state, result, tax, onToggle }: {
  state: SearchState;
  result?: SearchResult;
  tax?: Taxonomy;
  onToggle: (facet: FacetParam, value: string) => void;
}) {
  return (
    <div className="panel facets" role="region" aria-label="Filters">
      {facetParams.map((param) => {
        const facet = facetOfParam[param];
        const counts = result?.facets[facet] ?? {};
        const list = terms(tax, facet);
        if (!list.length) return null;
        // Types are shown only when some asset has them.
        const shown = param === 'type' ? list.filter((t) => counts[t.key] || state.type.includes(t.key)) : list;
        if (!shown.length) return null;
        return (
          // The separator is on a wrapper: a fieldset's legend sits on its border.
          <div key={param} className="facet"><fieldset>
            <legend><h3>{titles[param]}</h3></legend>
            {shown.map((t) => {
              const n = counts[t.key] ?? 0;
              const checked = state[param].includes(t.key);
              return (
                <label key={t.key} className={!n && !checked ? 'zero' : ''}>
                  <input type="checkbox" checked={checked} onChange={() => onToggle(param, t.key)}
                    name={param} value={t.key} />
                  <span>{t.label}</span>
                  <span className="count" aria-label={`${n} results`}>{result ? n : ''}</span>
                </label>
              );
            })}
          </fieldset></div>
        );
      })}
    </div>
  );
}
