// The search page keeps its whole state in the URL, so a search can be
// bookmarked, shared and restored with the back button.

export interface SearchState {
  q: string;
  stage: string[];
  persona: string[];
  industry: string[];
  product: string[];
  type: string[];
  deal: string;
  page: number;
}

export const facetParams = ['stage', 'persona', 'industry', 'product', 'type'] as const;
export type FacetParam = (typeof facetParams)[number];

/** Which facet of the search response each URL parameter filters. */
export const facetOfParam = {
  stage: 'stages',
  persona: 'personas',
  industry: 'industries',
  product: 'products',
  type: 'types',
} as const;

export function parseSearch(p: URLSearchParams): SearchState {
  const list = (k: string) => [...new Set(p.getAll(k).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  const page = Number(p.get('page'));
  return {
    q: p.get('q') ?? '',
    stage: list('stage'),
    persona: list('persona'),
    industry: list('industry'),
    product: list('product'),
    type: list('type'),
    deal: p.get('deal') ?? '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

export function searchToParams(s: Partial<SearchState>): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const k of facetParams) for (const v of s[k] ?? []) p.append(k, v);
  if (s.deal) p.set('deal', s.deal);
  if (s.page && s.page > 1) p.set('page', String(s.page));
  return p;
}

/** toggle adds value to a facet's selection, or removes it when present,
 * and goes back to the first page. */
export function toggle(s: SearchState, facet: FacetParam, value: string): SearchState {
  const cur = s[facet];
  const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
  return { ...s, [facet]: next, page: 1 };
}

export function activeFilterCount(s: SearchState): number {
  return facetParams.reduce((n, k) => n + s[k].length, 0);
}
