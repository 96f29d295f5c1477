import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError, errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { AssetPatch } from '../api/endpoints';
import type { Asset } from '../api/types';
import { cleanTags, fieldOf, limits, splitTags, validateAssetText, type FieldErrors } from '../lib/assetRules';
import { Modal, TextField, useToast } from './ui';

/** TagInput edits free-form tags: each tag is a chip with a remove
 * button; typing a comma or Enter adds what was typed. */
export function TagInput({ label, value, onChange, error, hint }: {
  label: string;
  value: string[];
  onChange: (tags: string[]) => void;
  error?: string;
  hint?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const commit = (raw: string) => {
    const added = splitTags(raw);
    if (added.length) onChange(cleanTags([...value, ...added]));
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      // Enter adds the tag rather than submitting the form.
      if (text.trim()) {
        e.preventDefault();
        commit(text);
      } else if (e.key === ',') e.preventDefault();
    } else if (e.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  const describedBy = error ? `${id}-err` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className={`tag-input ${error ? 'invalid' : ''}`}>
        {value.map((t) => (
          <span key={t} className="chip">
            {t}
            <button type="button" aria-label={`Remove tag ${t}`} onClick={() => { onChange(value.filter((x) => x !== t)); input.current?.focus(); }}>×</button>
          </span>
        ))}
        <input ref={input} id={id} value={text} placeholder={value.length ? '' : 'Add a tag'} aria-invalid={error ? true : undefined}
          aria-describedby={describedBy} onChange={(e) => {
            // A pasted "a, b, c" becomes three tags at once.
            if (e.target.value.includes(',')) commit(e.target.value);
            else setText(e.target.value);
          }}
          onKeyDown={onKey} onBlur={() => { if (text.trim()) commit(text); }} />
      </div>
      {error && <span className="err" id={`${id}-err`}>{error}</span>}
      {!error && hint && <span className="hint" id={`${id}-hint`}>{hint}</span>}
    </div>
  );
}

/** usePatchAsset saves a change to an asset: the asset's page shows the
 * answer at once, lists and searches refresh, and "Saved." is said. A
 * failure goes to onError (a toast when none is given). */
export function usePatchAsset(id: string, { onSaved, onError }: { onSaved?: () => void; onError?: (err: unknown) => void } = {}) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (p: AssetPatch) => api.patchAsset(id, p),
    onSuccess: (a) => {
      qc.setQueryData(['asset', a.id], a);
      void qc.invalidateQueries({ queryKey: ['assets'] });
      void qc.invalidateQueries({ queryKey: ['search'] });
      toast('Saved.');
      onSaved?.();
    },
    onError: onError ?? ((err) => toast(errorMessage(err), true)),
  });
}

/** AssetEditForm changes an asset's title, description and tags, with
 * the API's rules and messages beside each field; only what changed is
 * sent. */
export function AssetEditForm({ asset, onDone, autoFocus = true }: { asset: Asset; onDone: () => void; autoFocus?: boolean }) {
  const [title, setTitle] = useState(asset.title);
  const [description, setDescription] = useState(asset.description);
  const [tags, setTags] = useState(asset.tags);
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const descID = useId();
  const save = usePatchAsset(asset.id, {
    onSaved: onDone,
    onError: (err) => {
      const field = fieldOf(err instanceof ApiError ? err.field : undefined, errorMessage(err));
      setErrors({ [field]: errorMessage(err) });
    },
  });

  const submit = (e: React.SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    const patch: AssetPatch = {};
    if (title.trim() !== asset.title) patch.title = title;
    if (description.trim() !== asset.description) patch.description = description;
    const clean = cleanTags(tags);
    if (clean.join('\n') !== asset.tags.join('\n')) patch.tags = clean;
    const errs = validateAssetText(patch);
    setErrors(errs);
    if (Object.keys(errs).length) {
      // Focus the first field to fix, so a keyboard or screen reader user lands on it.
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    if (!Object.keys(patch).length) {
      onDone();
      return;
    }
    save.mutate(patch);
  };

  return (
    <form ref={form} className="asset-edit" onSubmit={submit} noValidate aria-label={`Edit ${asset.title}`}>
      {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the form opens on the user's own click on Edit */}
      <TextField label="Title" value={title} onValue={setTitle} error={errors.title} autoFocus={autoFocus} />
      <div className="field">
        <label htmlFor={descID}>Description</label>
        <textarea id={descID} className="input" rows={3} value={description} onChange={(e) => setDescription(e.target.value)}
          aria-invalid={errors.description ? true : undefined} aria-describedby={errors.description ? `${descID}-err` : `${descID}-hint`} />
        {errors.description ? <span className="err" id={`${descID}-err`}>{errors.description}</span>
          : <span className="hint" id={`${descID}-hint`}>What it is for and when to send it; reps see it in search results.</span>}
      </div>
      <TagInput label="Tags" value={tags} onChange={setTags} error={errors.tags}
        hint={`Free-form words reps search by, up to ${limits.tags}. Press Enter or type a comma after each.`} />
      {errors.form && <div className="alert" role="alert">{errors.form}</div>}
      <div className="btn-row">
        <button type="submit" className="btn primary" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save'}</button>
        <button type="button" className="btn" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}

/** AssetEditDialog is AssetEditForm in a dialog, for lists. */
export function AssetEditDialog({ asset, onClose }: { asset: Asset; onClose: () => void }) {
  return (
    <Modal title={`Edit “${asset.title}”`} onClose={onClose}>
      <AssetEditForm asset={asset} onDone={onClose} />
    </Modal>
  );
}
