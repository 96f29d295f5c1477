import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import * as api from './endpoints';
import { useAuth } from '../auth';

/** useTaxonomy is the organisation's stages, personas, industries and
 * products; it rarely changes, so it is kept for the session. */
export function useTaxonomy() {
  return useQuery({ queryKey: ['taxonomy'], queryFn: api.getTaxonomy, staleTime: 10 * 60_000 });
}

/** dealPageSize is how many deals a picker loads at a time. */
export const dealPageSize = 50;

/** useDealSearch finds the open deals the user works whose name, account
 * or CRM id holds q, a page at a time: loadMore fetches the next page, so
 * a long list is never cut short. */
export function useDealSearch(q: string) {
  const { user } = useAuth();
  const mine = user?.role === 'rep';
  const query = useInfiniteQuery({
    queryKey: ['deals', 'open', mine ? 'me' : 'all', 'search', q],
    queryFn: ({ pageParam }) => api.listDeals({
      status: 'open', owner: mine ? 'me' : undefined, q: q || undefined, limit: dealPageSize, offset: pageParam,
    }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total && last.items.length ? loaded : undefined;
    },
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...query, items, total: query.data?.pages[0]?.total ?? 0 };
}

/** useDeal is one deal by id, for a deal chosen beyond the loaded pages. */
export function useDeal(id: string | null | undefined) {
  return useQuery({ queryKey: ['deal', id], queryFn: () => api.getDeal(id ?? ''), enabled: !!id, staleTime: 60_000, retry: false });
}
