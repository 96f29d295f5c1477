import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link as RouterLink } from 'react-router';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { Asset, Link } from '../api/types';
import { fromDateInput } from '../lib/format';
import { DealSelect } from './DealSelect';
import { FieldError, LinkOptionsFields, checkPasscode, createOptions, defaultLinkOptions, fieldError } from './LinkOptions';
import { Alert, Modal, copyText, useToast } from './ui';

/** ShareDialog makes a tracked link for an asset, on a deal and for a
 * recipient when given, and copies it. */
export function ShareDialog({ asset, dealID, onClose }: { asset: Asset; dealID?: string; onClose: () => void }) {
  const [deal, setDeal] = useState(dealID ?? '');
  const [recipient, setRecipient] = useState('');
  const [expires, setExpires] = useState('');
  const [options, setOptions] = useState(defaultLinkOptions);
  const [passcodeError, setPasscodeError] = useState<string | null>(null);
  const [link, setLink] = useState<Link | null>(null);
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  const qc = useQueryClient();

  const create = useMutation({
    mutationFn: () =>
      api.createLink({
        asset_id: asset.id,
        deal_id: deal || undefined,
        recipient_email: recipient.trim() || undefined,
        expires_at: fromDateInput(expires) ?? undefined,
        ...createOptions(options),
      }),
    onSuccess: async (l) => {
      setLink(l);
      void qc.invalidateQueries({ queryKey: ['links'] });
      const ok = await copyText(l.url);
      setCopied(ok);
      if (ok) {
        toast('Tracked link copied to the clipboard.');
        api.recordEvent('copy_link', asset.id, deal || undefined).catch(() => {});
      }
    },
  });

  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const bad = checkPasscode(options);
    setPasscodeError(bad);
    if (!bad) create.mutate();
  };
  // The server's refusal shows next to the field it names; else above the buttons.
  const recipientError = fieldError(create.error, 'recipient_email');
  const expiresError = fieldError(create.error, 'expires_at');
  const shownAtField = !!(recipientError || expiresError || fieldError(create.error, 'passcode', 'require_email', 'allow_download', 'notify'));

  const copyAgain = async () => {
    if (!link) return;
    const ok = await copyText(link.url);
    setCopied(ok);
    toast(ok ? 'Copied.' : 'Select the link and copy it.', !ok);
  };

  return (
    <Modal title="Copy tracked link" onClose={onClose}>
      {!link ? (
        <form onSubmit={submit}>
          <p className="muted">
            Opens of this link are recorded against the deal, so you can see when <strong>{asset.title}</strong> is read.
          </p>
          <div className="field">
            <label htmlFor="share-deal">Deal</label>
            <DealSelect id="share-deal" value={deal} onChange={setDeal} />
          </div>
          <div className="field">
            <label htmlFor="share-recipient">Recipient email (optional)</label>
            <input id="share-recipient" className="input" type="email" value={recipient} onChange={(e) => setRecipient(e.target.value)}
              placeholder="buyer@prospect.com" autoComplete="off" aria-invalid={recipientError ? true : undefined}
              aria-describedby={recipientError ? 'share-recipient-err' : undefined} />
            <FieldError id="share-recipient-err" message={recipientError} />
          </div>
          <div className="field">
            <label htmlFor="share-expires">Expires (optional)</label>
            <input id="share-expires" className="input" type="date" value={expires} onChange={(e) => setExpires(e.target.value)}
              aria-invalid={expiresError ? true : undefined} aria-describedby={expiresError ? 'share-expires-err' : undefined} />
            <FieldError id="share-expires-err" message={expiresError} />
          </div>
          <LinkOptionsFields value={options} onChange={(o) => { setOptions(o); setPasscodeError(null); }}
            error={create.error} passcodeError={passcodeError} />
          {create.error && !shownAtField && <div className="alert" role="alert">{errorMessage(create.error)}</div>}
          <div className="btn-row">
            <button className="btn primary" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create and copy link'}
            </button>
            <button className="btn" type="button" onClick={onClose}>Cancel</button>
          </div>
        </form>
      ) : (
        <div>
          <p>{copied ? 'The link is on your clipboard.' : 'Your link is ready. Copy it below.'}</p>
          <div className="copy-row">
            <input className="input" readOnly value={link.url} aria-label="Tracked link" onFocus={(e) => e.currentTarget.select()} />
            <button className="btn primary" onClick={() => void copyAgain()}>Copy</button>
          </div>
          <p className="muted small" style={{ marginTop: 12 }}>
            {link.deal_id ? 'Opens are attributed to the deal.' : 'Not tied to a deal: opens are counted for the asset only.'}
            {link.expires_at ? ' The link expires at the end of the chosen day.' : ''}
            {link.has_passcode ? ' Send the passcode to the recipient separately.' : ''}
          </p>
          <div className="btn-row">
            <button className="btn" onClick={onClose}>Done</button>
            <RouterLink className="btn ghost" to={`/links/${link.id}`} onClick={onClose}>Link settings and visits</RouterLink>
          </div>
        </div>
      )}
    </Modal>
  );
}

/** AttachDialog records that an asset was used on a deal. */
export function AttachDialog({ asset, dealID, onClose }: { asset: Asset; dealID?: string; onClose: () => void }) {
  const [deal, setDeal] = useState(dealID ?? '');
  const toast = useToast();
  const attach = useMutation({
    mutationFn: () => api.attachAsset(deal, asset.id),
    onSuccess: () => {
      toast(`Attached to the deal.`);
      onClose();
    },
  });
  return (
    <Modal title="Attach to deal" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); attach.mutate(); }}>
        <p className="muted">Record that <strong>{asset.title}</strong> was used on a deal.</p>
        <div className="field">
          <label htmlFor="attach-deal">Deal</label>
          <DealSelect id="attach-deal" value={deal} onChange={setDeal} noneLabel="Choose a deal" />
        </div>
        <Alert error={attach.error} />
        <div className="btn-row">
          <button className="btn primary" type="submit" disabled={!deal || attach.isPending}>
            {attach.isPending ? 'Attaching…' : 'Attach'}
          </button>
          <button className="btn" type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
