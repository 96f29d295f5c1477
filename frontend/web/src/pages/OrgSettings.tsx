import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import type { OrgSettings as Org } from '../api/types';
import { FieldError, fieldError } from '../components/LinkOptions';
import { ErrorState, Loading, useToast } from '../components/ui';
import { badDomain, parseDomains } from '../lib/domains';

interface Draft {
  name: string;
  logo_url: string;
  domains: string;
  review_days: string;
}

const draftOf = (o: Org): Draft => ({
  name: o.name, logo_url: o.logo_url ?? '', domains: o.internal_domains.join('\n'), review_days: String(o.review_days),
});

/** OrgSettings edits the organisation's name, logo and internal email
 * domains (visitors from them never alert and never count as prospects). */
export function OrgSettings() {
  const q = useQuery({ queryKey: ['org-settings'], queryFn: api.getOrgSettings });
  if (q.error) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (!q.data) return <Loading />;
  return <OrgForm saved={q.data} />;
}

type Errors = Partial<Record<'name' | 'logo_url' | 'internal_domains' | 'review_days', string>>;

function OrgForm({ saved }: { saved: Org }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState(() => draftOf(saved));
  const [errs, setErrs] = useState<Errors>({});
  const save = useMutation({
    mutationFn: () => api.putOrgSettings({
      name: draft.name.trim(), logo_url: draft.logo_url.trim() || null, internal_domains: parseDomains(draft.domains),
      review_days: Number(draft.review_days),
    }),
    onSuccess: (o) => {
      qc.setQueryData(['org-settings'], o);
      setDraft(draftOf(o));
      toast('Organisation settings saved.');
    },
  });
  const serverField = (f: keyof Errors) => errs[f] ?? fieldError(save.error, f);
  const set = (k: keyof Draft) => (v: string) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setErrs({});
  };
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.reset();
    const found: Errors = {};
    if (!draft.name.trim()) found.name = 'Enter the organisation’s name.';
    if (draft.logo_url.trim() && !/^https?:\/\/\S+$/i.test(draft.logo_url.trim())) found.logo_url = 'The logo URL starts with https://.';
    const bad = badDomain(parseDomains(draft.domains));
    if (bad) found.internal_domains = `“${bad}” is not a domain name, such as acme.com.`;
    const days = Number(draft.review_days);
    if (!Number.isInteger(days) || days < 1) found.review_days = 'Enter a whole number of days.';
    setErrs(found);
    if (!Object.keys(found).length) save.mutate();
  };
  const named = fieldError(save.error, 'name', 'logo_url', 'internal_domains', 'review_days');
  const field = (k: keyof Draft, f: keyof Errors, label: string, hint: string, input: 'text' | 'url' | 'number' | 'area') => {
    const err = serverField(f);
    const id = `org-${f}`;
    const common = {
      id, value: draft[k], 'aria-invalid': err ? true : undefined, 'aria-describedby': err ? `${id}-err` : `${id}-hint`,
      className: 'input',
    } as const;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {input === 'area'
          ? <textarea {...common} rows={3} onChange={(e) => set(k)(e.target.value)} />
          : <input {...common} type={input} min={input === 'number' ? 1 : undefined} onChange={(e) => set(k)(e.target.value)} />}
        {!err && <span className="hint" id={`${id}-hint`}>{hint}</span>}
        <FieldError id={`${id}-err`} message={err} />
      </div>
    );
  };
  return (
    <form className="panel" style={{ maxWidth: 640 }} onSubmit={submit} aria-labelledby="org-title" noValidate>
      <h2 id="org-title">Organisation</h2>
      {field('name', 'name', 'Name', 'Shown to prospects on shared links.', 'text')}
      {field('logo_url', 'logo_url', 'Logo URL', 'An image shown on shared links and in emails. Empty: the Stagecraft logo.', 'url')}
      {field('domains', 'internal_domains', 'Internal email domains',
        'One per line, such as acme.com. Visits from these never alert anyone and never count as prospect visits.', 'area')}
      {field('review_days', 'review_days', 'Review collateral every (days)', 'Published collateral is due for review this many days after publishing.', 'number')}
      {save.error != null && !named && <div className="alert" role="alert">{errorMessage(save.error)}</div>}
      <button className="btn primary" type="submit" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save organisation settings'}</button>
    </form>
  );
}
