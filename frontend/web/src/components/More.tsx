import { num } from '../lib/format';

/** MoreButton loads the next page of a list and says how much of it is
 * shown; it is absent once everything is. */
export function MoreButton({ list, noun }: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown; items: unknown[]; total: number };
  noun: string;
}) {
  if (!list.hasNextPage) return null;
  return (
    <button type="button" className="btn small" style={{ marginTop: 8 }} disabled={list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}>
      {list.isFetchingNextPage ? 'Loading…' : `Show more ${noun} (${num(list.items.length)} of ${num(list.total)})`}
    </button>
  );
}
