import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import type { Page } from './types';

/** useMoreList reads a list a page at a time by offset: items holds every
 * page loaded, and loadMore asks for the next, so a list is never cut
 * short without saying so. */
export function useMoreList<T>(key: QueryKey, fetchPage: (limit: number, offset: number) => Promise<Page<T>>, pageSize: number) {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageSize, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return last.items.length && loaded < last.total ? loaded : undefined;
    },
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...q, items, total: q.data?.pages[0]?.total ?? 0 };
}
