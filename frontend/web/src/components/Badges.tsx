import type { Asset, FacetName, Taxonomy } from '../api/types';
import { label } from '../lib/taxonomy';

export function IndexBadge({ asset }: { asset: Pick<Asset, 'index_status' | 'index_error'> }) {
  switch (asset.index_status) {
    case 'indexed':
      return <span className="badge ok">Indexed</span>;
    case 'failed':
      return (
        <span className="badge bad" title={asset.index_error ?? undefined}>
          Not indexed
        </span>
      );
    default:
      return (
        <span className="badge warn pulse">
          <span className="dot" /> Indexing
        </span>
      );
  }
}

export function StatusBadge({ status }: { status: Asset['status'] }) {
  const cls = status === 'published' ? 'ok' : status === 'draft' ? 'neutral' : 'bad';
  return <span className={`badge ${cls}`}>{status.charAt(0).toUpperCase() + status.slice(1)}</span>;
}

export function TermChips({ tax, facet, keys, className }: {
  tax?: Taxonomy;
  facet: FacetName;
  keys: string[];
  className?: string;
}) {
  if (!keys.length) return null;
  return (
    <>
      {keys.map((k) => (
        <span key={k} className={`chip ${className ?? ''}`}>
          {label(tax, facet, k)}
        </span>
      ))}
    </>
  );
}

export function AssetChips({ asset, tax }: { asset: Asset; tax?: Taxonomy }) {
  return (
    <div className="chips">
      <TermChips tax={tax} facet="stages" keys={asset.stages} className="stage" />
      <TermChips tax={tax} facet="personas" keys={asset.personas} className="persona" />
      <TermChips tax={tax} facet="industries" keys={asset.industries} />
      <TermChips tax={tax} facet="products" keys={asset.products} />
    </div>
  );
}

/** PreviewBadge says where an asset's page previews stand, when there is
 * something to say: being prepared, failed (with the reason), or the
 * converter missing on the server. */
export function PreviewBadge({ asset }: { asset: Pick<Asset, 'preview'> }) {
  const p = asset.preview;
  switch (p?.status) {
    case 'pending':
      return <span className="badge warn pulse"><span className="dot" /> Preparing preview</span>;
    case 'failed':
      return <span className="badge bad" title={p.error ?? undefined}>Preview failed{p.error ? `: ${p.error}` : ''}</span>;
    case 'unavailable':
      return <span className="badge neutral" title="An administrator can install LibreOffice on the server">Preview converter not installed</span>;
    default:
      return null;
  }
}
