import { plural } from '../lib/format';

/** Pager moves through a list a page at a time and says where it is:
 * "Page 2 of 7 · 160 users". With one page it only counts. */
export function Pager({ page, pageSize, total, onPage, one, many }: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  one: string;
  many?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return <p className="muted small pager-count">{plural(total, one, many)}</p>;
  return (
    <nav className="row pager" aria-label="Pages">
      <button type="button" className="btn small" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span className="muted small">Page {page} of {pages} · {plural(total, one, many)}</span>
      <button type="button" className="btn small" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
