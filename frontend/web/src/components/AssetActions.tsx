import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { Asset } from '../api/types';
import { AttachDialog, ShareDialog } from './ShareDialog';
import { useToast } from './ui';

/** AssetActions are what a rep does with an asset: preview it, download
 * it, share a tracked link, or attach it to a deal. */
export function AssetActions({ asset, dealID, showPreview = true }: { asset: Asset; dealID?: string; showPreview?: boolean }) {
  const [dialog, setDialog] = useState<'share' | 'attach' | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  const download = async () => {
    setBusy(true);
    try {
      const url = await api.downloadURL(asset.id, dealID);
      window.location.assign(url);
    } catch (err) {
      toast(errorMessage(err), true);
    } finally {
      setBusy(false);
    }
  };

  const shareable = asset.status === 'published';
  return (
    <div className="btn-row actions">
      {showPreview && (
        <RouterLink className="btn small" to={`/assets/${asset.id}${dealID ? `?deal=${dealID}` : ''}`}>
          Preview
        </RouterLink>
      )}
      <button className="btn small" onClick={() => void download()} disabled={busy}>
        Download
      </button>
      <button className="btn small primary" onClick={() => setDialog('share')} disabled={!shareable}
        title={shareable ? undefined : 'Only published assets can be shared'}>
        Copy tracked link
      </button>
      <button className="btn small" onClick={() => setDialog('attach')}>
        Attach to deal
      </button>
      {dialog === 'share' && <ShareDialog asset={asset} dealID={dealID} onClose={() => setDialog(null)} />}
      {dialog === 'attach' && <AttachDialog asset={asset} dealID={dealID} onClose={() => setDialog(null)} />}
    </div>
  );
}
