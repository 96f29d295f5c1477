import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { fetchBlob } from '../api/client';
import type { Asset } from '../api/types';
import { useObjectURL } from '../lib/useObjectURL';

/** aspect is a page's height ÷ width from the page sizes, A4 portrait when
 * unknown, so each placeholder takes the place its image will. */
export function aspect(sizes: [number, number][] | null | undefined, page: number): number {
  const s = sizes?.[page - 1] ?? sizes?.[0];
  if (!s || !(s[0] > 0) || !(s[1] > 0)) return 297 / 210;
  return s[1] / s[0];
}

/** PageImages shows a converted deck or document page by page from the
 * server's page images. Every page has its place from the start (sized
 * from page_sizes); an image is fetched when its page nears the view. */
export function PageImages({ asset }: { asset: Asset }) {
  const p = asset.preview;
  const count = p?.pages ?? 0;
  return (
    <div className="preview page-images" aria-label={`Preview of ${asset.title}`}>
      {Array.from({ length: count }, (_, i) => (
        <PageImage key={i} asset={asset} page={i + 1} total={count} ratio={aspect(p?.page_sizes, i + 1)} />
      ))}
    </div>
  );
}

function PageImage({ asset, page, total, ratio }: { asset: Asset; page: number; total: number; ratio: number }) {
  const ref = useRef<HTMLDivElement>(null);
  // Without IntersectionObserver (old browsers, tests) every page loads.
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setNear(true);
        io.disconnect();
      }
    }, { rootMargin: '600px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);
  const img = useQuery({
    queryKey: ['page-image', asset.id, asset.current_version.id, page],
    queryFn: ({ signal }) => fetchBlob(`/assets/${asset.id}/pages/${page}`, signal),
    enabled: near,
    staleTime: 10 * 60_000,
    retry: 1,
  });
  const url = useObjectURL(img.data);
  return (
    <figure className="page-image" ref={ref} data-page={page}>
      <div className="page-frame" style={{ aspectRatio: `1 / ${ratio}` }}>
        {url ? <img src={url} alt={`Page ${page} of ${total}`} loading="lazy" />
          : img.error ? <span className="faint small">Page {page} could not be loaded.</span>
          : <span className="skeleton" aria-hidden="true" />}
      </div>
      <figcaption className="page-label">{page} / {total}</figcaption>
    </figure>
  );
}
