import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { AssetPatch } from '../api/endpoints';
import type { Asset, AssetStatus, Taxonomy } from '../api/types';
import { AssetEditDialog } from '../components/AssetEdit';
import { IndexBadge, PreviewBadge } from '../components/Badges';
import { MultiSelect } from '../components/MultiSelect';
import { Thumbnail } from '../components/Thumbnail';
import { UploadList, useUploads } from '../components/Uploads';
import { Empty, ErrorState, Loading, useToast } from '../components/ui';
import { bytes, fromDateInput, percent, plural, relativeTime, toDateInput } from '../lib/format';
import { TabPanel, Tabs, useTabs } from '../components/Tabs';

const pageSize = 25;
const statusTabs: { key: AssetStatus | ''; label: string }[] = [
  { key: '', label: 'Active' },
  { key: 'published', label: 'Published' },
  { key: 'draft', label: 'Drafts' },
  { key: 'archived', label: 'Archived' },
];

export default function Library() {
  const [status, setStatus] = useState<AssetStatus | ''>('');
  const [page, setPage] = useState(1);
  const ids = useTabs();
  const { data: tax } = useTaxonomy();
  const assets = useQuery({
    queryKey: ['assets', status, page],
    queryFn: () => api.listAssets({
      status: status ? [status] : ['published', 'draft'],
      limit: pageSize, offset: (page - 1) * pageSize,
    }),
    placeholderData: keepPreviousData,
    // Indexing status is live: poll while any listed asset is pending.
    refetchInterval: (q) => (q.state.data?.items.some((a) => a.index_status === 'pending' || a.preview?.status === 'pending') ? 3000 : false),
  });
  const pages = assets.data ? Math.ceil(assets.data.total / pageSize) : 0;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Library</h1>
          <p>Upload collateral, tag it for the deals it serves, and keep it current.</p>
        </div>
      </div>
      <Uploader tax={tax} />
      <Tabs items={statusTabs} value={status} onChange={(k) => { setStatus(k); setPage(1); }} label="Assets by status"
        ids={ids} style={{ marginTop: 24 }} />
      <TabPanel ids={ids} value={status}>
      {assets.error ? <ErrorState error={assets.error} retry={() => void assets.refetch()} /> : !assets.data ? <Loading /> :
        !assets.data.items.length ? (
          <Empty title={status === 'archived' ? 'Nothing archived' : 'No collateral yet'} icon="⇪">
            {status === 'archived' ? null : 'Drop files above to add the first.'}
          </Empty>
        ) : (
          <div className="panel" style={{ padding: 0 }}>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th className="title-cell">Asset</th><th>Status</th><th>Stages</th><th>Personas</th>
                    <th>Industries</th><th>Products</th><th>Expires</th><th><span className="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {assets.data.items.map((a) => <Row key={a.id} asset={a} tax={tax} />)}
                </tbody>
              </table>
            </div>
          </div>
        )}
      {assets.data && pages > 1 && (
        <nav className="row" aria-label="Pages" style={{ marginTop: 16, justifyContent: 'center' }}>
          <button className="btn small" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
          <span className="muted small">Page {page} of {pages} · {plural(assets.data.total, 'asset')}</span>
          <button className="btn small" disabled={page >= pages} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
      </TabPanel>
    </>
  );
}

function Row({ asset, tax }: { asset: Asset; tax?: Taxonomy }) {
  const qc = useQueryClient();
  const toast = useToast();
  const fileInput = useRef<HTMLInputElement>(null);
  const [versionProgress, setVersionProgress] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const patch = useMutation({
    mutationFn: (p: AssetPatch) => api.patchAsset(asset.id, p),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['assets'] }),
    onError: (err) => toast(errorMessage(err), true),
  });
  const archive = useMutation({
    mutationFn: () => api.archiveAsset(asset.id),
    onSuccess: () => {
      toast(`Archived “${asset.title}”.`);
      void qc.invalidateQueries({ queryKey: ['assets'] });
    },
    onError: (err) => toast(errorMessage(err), true),
  });
  // The running version upload, so it can be cancelled.
  const versionUpload = useRef<AbortController | null>(null);
  const newVersion = async (file: File) => {
    const ctl = new AbortController();
    versionUpload.current = ctl;
    setVersionProgress(0);
    try {
      await api.uploadVersion(asset.id, file, (p) => setVersionProgress(p.loaded / p.total), ctl.signal);
      toast(`New version of “${asset.title}” uploaded.`);
      void qc.invalidateQueries({ queryKey: ['assets'] });
    } catch (err) {
      if (ctl.signal.aborted) toast(`New version of “${asset.title}” cancelled; the current one stays.`);
      else toast(`New version of “${asset.title}” not uploaded: ${errorMessage(err)}`, true);
    } finally {
      versionUpload.current = null;
      setVersionProgress(null);
    }
  };
  const archived = asset.status === 'archived';
  const tags = (facet: 'stages' | 'personas' | 'industries' | 'products', name: string) => (
    <td>
      <MultiSelect tax={tax} facet={facet} value={asset[facet]} ariaLabel={`${name} of ${asset.title}`}
        onChange={(v) => patch.mutate({ [facet]: v })} disabled={archived} />
    </td>
  );
  return (
    <tr data-asset-id={asset.id}>
      <td className="title-cell">
        <div className="row">
          <Thumbnail asset={asset} small />
          <div style={{ minWidth: 0 }}>
            <Link to={`/assets/${asset.id}`} style={{ fontWeight: 600 }}>{asset.title}</Link>
            <div className="faint small">
              {asset.current_version.filename} · {bytes(asset.current_version.size)} · v{asset.current_version.number} · {relativeTime(asset.updated_at)}
            </div>
            {asset.description && <div className="small muted clamp-2">{asset.description}</div>}
            <div className="chips"><IndexBadge asset={asset} /> <PreviewBadge asset={asset} />
              {asset.tags.map((t) => <span key={t} className="chip">{t}</span>)}</div>
          </div>
        </div>
      </td>
      <td>
        <select className="input" style={{ width: 112 }} value={asset.status} aria-label={`Status of ${asset.title}`}
          onChange={(e) => patch.mutate({ status: e.target.value as AssetStatus })}>
          <option value="published">Published</option>
          <option value="draft">Draft</option>
          <option value="archived">Archived</option>
        </select>
      </td>
      {tags('stages', 'Stages')}
      {tags('personas', 'Personas')}
      {tags('industries', 'Industries')}
      {tags('products', 'Products')}
      <td>
        <input className="input" type="date" style={{ width: 136 }} aria-label={`Expiry of ${asset.title}`}
          defaultValue={toDateInput(asset.expires_at)} key={asset.expires_at ?? 'none'} disabled={archived}
          onBlur={(e) => {
            // Compare days, not times: leaving the field unchanged must not
            // move an expiry set elsewhere to the end of its day.
            if (e.target.value !== toDateInput(asset.expires_at)) patch.mutate({ expires_at: fromDateInput(e.target.value) });
          }} />
      </td>
      <td className="nowrap">
        {editing && <AssetEditDialog asset={asset} onClose={() => setEditing(false)} />}
        <input ref={fileInput} type="file" hidden onChange={(e) => { const f = e.target.files?.[0]; if (f) void newVersion(f); e.target.value = ''; }} />
        {versionProgress !== null ? (
          <span className="small muted row">
            Uploading {percent(versionProgress)}
            <button type="button" className="btn small ghost" aria-label={`Cancel the new version of ${asset.title}`}
              onClick={() => versionUpload.current?.abort()}>Cancel</button>
          </span>
        ) : (
          <div className="btn-row" style={{ flexDirection: 'column', alignItems: 'stretch', gap: 4 }}>
            <button className="btn small" onClick={() => setEditing(true)} aria-label={`Edit title, description and tags of ${asset.title}`}>Edit</button>
            <button className="btn small" onClick={() => fileInput.current?.click()} disabled={archived}>New version</button>
            {!archived && (
              <button className="btn small danger" disabled={archive.isPending}
                onClick={() => { if (window.confirm(`Archive “${asset.title}”? Reps will no longer find it; its history stays.`)) archive.mutate(); }}>
                Archive
              </button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

/** Uploader takes files dropped or chosen and hands them to the upload
 * queue, tagged with the stages and personas chosen beforehand; the
 * queue uploads two at a time and lists each file below. */
function Uploader({ tax }: { tax?: Taxonomy }) {
  const uploads = useUploads();
  const [over, setOver] = useState(false);
  const [stages, setStages] = useState<string[]>([]);
  const [personas, setPersonas] = useState<string[]>([]);
  const [status, setStatus] = useState<AssetStatus>('published');
  const input = useRef<HTMLInputElement>(null);
  const add = (list: FileList | File[]) => uploads.add(list, { stages, personas, status });

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };

  return (
    <section aria-labelledby="upload-title">
      <h2 id="upload-title" className="sr-only">Upload</h2>
      <div className={`dropzone ${over ? 'over' : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <p><strong>Drop files here</strong> or{' '}
          <button className="btn small" onClick={() => input.current?.click()}>choose files</button>
        </p>
        <p className="small" style={{ margin: 0 }}>PDF, PowerPoint, Word, Excel, images, text. Text inside is indexed for search.</p>
        <input ref={input} type="file" multiple hidden aria-label="Choose files to upload"
          onChange={(e) => { if (e.target.files) add(e.target.files); e.target.value = ''; }} />
        <div className="row" style={{ justifyContent: 'center', marginTop: 12, flexWrap: 'wrap', gap: 16 }}>
          <span className="row small">Tag with stages <MultiSelect tax={tax} facet="stages" value={stages} onChange={setStages} ariaLabel="Stages for new uploads" /></span>
          <span className="row small">personas <MultiSelect tax={tax} facet="personas" value={personas} onChange={setPersonas} ariaLabel="Personas for new uploads" /></span>
          <label className="row small">as
            <select className="input" style={{ height: 28, width: 120 }} value={status} onChange={(e) => setStatus(e.target.value as AssetStatus)}>
              <option value="published">Published</option>
              <option value="draft">Draft</option>
            </select>
          </label>
        </div>
      </div>
      <UploadList />
    </section>
  );
}
