/** PageBar is one page's bar: its height is value ÷ the largest value. */
export interface Bar {
  page: number;
  value: number;
  /** What the bar says, to people and screen readers ("12 sec"). */
  label: string;
  skipped: boolean;
}

/** PageBars draws one bar per page of a document, skipped pages as an
 * empty dashed slot, so where readers stopped or jumped shows at a glance.
 * Each bar is a list item whose text says the page and its value. */
export function PageBars({ bars, label, height = 64 }: { bars: Bar[]; label: string; height?: number }) {
  if (!bars.length) return <p className="faint small">No pages recorded.</p>;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  return (
    <ol className="page-bars" aria-label={label} style={{ height: height + 18 }}>
      {bars.map((b) => (
        <li key={b.page} className={b.skipped ? 'skipped' : ''} title={`Page ${b.page}: ${b.skipped ? 'skipped' : b.label}`}
          data-page={b.page}>
          <span className="bar" style={{ height: b.skipped ? height : Math.max(3, Math.round((b.value / max) * height)) }} aria-hidden="true" />
          <span className="page-no" aria-hidden="true">{b.page}</span>
          <span className="sr-only">Page {b.page}: {b.skipped ? 'skipped' : b.label}</span>
        </li>
      ))}
    </ol>
  );
}
