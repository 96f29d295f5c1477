import { useQuery } from '@tanstack/react-query';
import { fetchBlob } from '../api/client';
import type { Asset } from '../api/types';
import { useObjectURL } from '../lib/useObjectURL';

const typeLabel: Record<string, string> = {
  pdf: 'PDF', deck: 'Deck', document: 'Doc', spreadsheet: 'Sheet', image: 'Image',
  video: 'Video', text: 'Text', link: 'Link', other: 'File',
};

/** Thumbnail shows an asset's preview image. The image needs the bearer
 * token, which an <img> cannot send, so it is fetched and shown from a
 * blob URL; without one, the asset's type stands in. */
export function Thumbnail({ asset, small }: { asset: Asset; small?: boolean }) {
  const has = !!asset.thumbnail_url;
  const { data } = useQuery({
    queryKey: ['thumbnail', asset.id, asset.current_version.id],
    queryFn: ({ signal }) => fetchBlob(`/assets/${asset.id}/thumbnail`, signal),
    enabled: has,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const url = useObjectURL(data);
  return (
    <div className={`thumb ${small ? 'small' : ''}`} aria-hidden="true">
      {url ? <img src={url} alt="" /> : <span>{typeLabel[asset.type] ?? 'File'}</span>}
    </div>
  );
}
