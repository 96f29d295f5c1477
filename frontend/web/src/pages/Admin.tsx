import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { useTaxonomy } from '../api/hooks';
import * as api from '../api/endpoints';
import type { Role, Taxonomy, Term, User } from '../api/types';
import { useUser } from '../auth';
import { Empty, ErrorState, Loading, useToast } from '../components/ui';
import { date, dateTime, relativeTime } from '../lib/format';
import { keyFromLabel } from '../lib/taxonomy';
import { AuditLog } from './AuditLog';
import { OrgSettings } from './OrgSettings';
import { OrgTokens } from './OrgTokens';
import { TabPanel, Tabs, useTabs } from '../components/Tabs';
import { Pager } from '../components/Pager';
import { useDebounced } from '../lib/useDebounced';

const roles: { key: Role; label: string; hint: string }[] = [
  { key: 'rep', label: 'Sales rep', hint: 'finds, shares and uses published collateral' },
  { key: 'marketer', label: 'Marketer', hint: 'manages collateral and sees all analytics' },
  { key: 'admin', label: 'Admin', hint: 'everything, plus users and taxonomy' },
];

const tabs = [
  { key: 'users', label: 'Users and roles' },
  { key: 'tokens', label: 'API tokens' },
  { key: 'audit', label: 'Audit log' },
  { key: 'taxonomy', label: 'Taxonomy' },
  { key: 'organisation', label: 'Organisation' },
] as const;
type Tab = (typeof tabs)[number]['key'];

export default function Admin() {
  // The tab (and the audit log's filters) live in the URL, so a view can be
  // bookmarked and shared.
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((t) => t.key === params.get('tab'))?.key ?? 'users';
  const ids = useTabs();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Admin</h1>
          <p>People and their access, what changed and who changed it, and the vocabulary collateral and deals are tagged with.</p>
        </div>
      </div>
      <Tabs items={tabs} value={tab} label="Admin sections" ids={ids}
        onChange={(k) => setParams(k === 'users' ? {} : { tab: k })} />
      <TabPanel ids={ids} value={tab}>
        {tab === 'users' ? <Users /> : tab === 'tokens' ? <OrgTokens /> : tab === 'audit' ? <AuditLog />
          : tab === 'organisation' ? <OrgSettings /> : <TaxonomyEditor />}
      </TabPanel>
    </>
  );
}

const who = (u: User) => u.name || u.email;

/** How many people the users table shows a page. */
const userPageSize = 25;

function Users() {
  const me = useUser();
  const qc = useQueryClient();
  const toast = useToast();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const [page, setPage] = useState(1);
  const users = useQuery({
    queryKey: ['users', q, page],
    queryFn: () => api.listUsers({ q: q || undefined, limit: userPageSize, offset: (page - 1) * userPageSize }),
    placeholderData: keepPreviousData,
  });
  // A refusal (the last admin cannot be disabled or demoted) stays on the
  // page until the next change, naming whom it was about.
  const [failure, setFailure] = useState<{ email: string; error: unknown } | null>(null);
  const patch = useMutation({
    mutationFn: ({ user, change }: { user: User; change: { role?: Role; disabled?: boolean } }) => api.patchUser(user.id, change),
    onMutate: () => setFailure(null),
    onSuccess: (u, { change }) => {
      toast(change.disabled === true ? `${who(u)} is disabled and signed out everywhere.`
        : change.disabled === false ? `${who(u)} can sign in again.`
        : `${who(u)} is now ${roles.find((r) => r.key === u.role)?.label.toLowerCase()}.`);
      void qc.invalidateQueries({ queryKey: ['users'] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
    onError: (error, { user }) => {
      setFailure({ email: user.email, error });
      // Puts the role select back to the saved role.
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const disable = (u: User) => {
    const question = u.id === me.id
      ? 'Disable your own account? You will be signed out at once and cannot sign in again until another admin enables you.'
      : `Disable ${u.email}? They are signed out at once and cannot sign in; their API tokens stop working until you enable them again.`;
    if (window.confirm(question)) patch.mutate({ user: u, change: { disabled: true } });
  };
  const busy = (u: User) => patch.isPending && patch.variables.user.id === u.id;
  return (
    <div className="split-wide">
      <section className="panel" style={{ padding: 0 }} aria-label="Users">
        {failure && (
          <div className="alert row" role="alert" style={{ margin: 12 }}>
            <span>Could not change {failure.email}: {errorMessage(failure.error)}</span>
            <span className="spacer" />
            <button className="btn small ghost" onClick={() => setFailure(null)} aria-label="Dismiss">✕</button>
          </div>
        )}
        <div className="list-tools">
          <input type="search" className="input" value={text} aria-label="Find people by name or email" placeholder="Find people by name or email"
            onChange={(e) => { setText(e.target.value); setPage(1); }} />
          <span className="spacer" />
          {users.data && <Pager page={page} pageSize={userPageSize} total={users.data.total} onPage={setPage} one="person" many="people" />}
        </div>
        {users.error ? <ErrorState error={users.error} retry={() => void users.refetch()} /> : !users.data ? <Loading /> :
          !users.data.items.length ? <Empty title={q ? `Nobody matches “${q}”` : 'No users yet'} icon="👤" /> : (
          <div className="table-wrap">
            <table className="table stacked" aria-label="Users">
              <thead>
                <tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th>Last seen</th><th className="hide-mobile">Since</th><th /></tr>
              </thead>
              <tbody>
                {users.data.items.map((u) => (
                  <tr key={u.id} data-user-id={u.id}>
                    <td className="first">{u.name || '—'}{u.id === me.id && <span className="faint small"> (you)</span>}</td>
                    <td>{u.email}</td>
                    <td data-label="Role">
                      <select className="input" style={{ height: 28, width: 130 }} value={u.role} aria-label={`Role of ${u.email}`}
                        disabled={busy(u)} onChange={(e) => patch.mutate({ user: u, change: { role: e.target.value as Role } })}>
                        {roles.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
                      </select>
                    </td>
                    <td data-label="Status">{u.disabled ? <span className="badge bad">Disabled</span> : <span className="badge ok">Active</span>}</td>
                    <td className="nowrap" data-label="Last seen" title={u.last_seen_at ? dateTime(u.last_seen_at) : undefined}>
                      {u.last_seen_at ? relativeTime(u.last_seen_at) : <span className="faint">never</span>}
                    </td>
                    <td className="nowrap hide-mobile">{date(u.created_at ?? null)}</td>
                    <td className="num">
                      {u.disabled ? (
                        <button className="btn small" disabled={busy(u)} aria-label={`Enable ${u.email}`}
                          onClick={() => patch.mutate({ user: u, change: { disabled: false } })}>Enable</button>
                      ) : (
                        <button className="btn small danger" disabled={busy(u)} aria-label={`Disable ${u.email}`}
                          onClick={() => disable(u)}>Disable</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewUser />
    </div>
  );
}

function NewUser() {
  const qc = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState({ name: '', email: '', role: 'rep' as Role, password: '' });
  const create = useMutation({
    mutationFn: () => api.createUser(form),
    onSuccess: (u) => {
      toast(`Added ${u.email}. Share the password with them safely.`);
      setForm({ name: '', email: '', role: 'rep', password: '' });
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a user</h2>
      <label className="field"><span>Name</span><input className="input" value={form.name} onChange={set('name')} /></label>
      <label className="field"><span>Email</span>
        <input className="input" type="email" required value={form.email} onChange={set('email')} autoComplete="off" />
      </label>
      <label className="field"><span>Role</span>
        <select className="input" value={form.role} onChange={set('role')}>
          {roles.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
        <span className="hint">{roles.find((r) => r.key === form.role)?.hint}</span>
      </label>
      <label className="field"><span>Initial password</span>
        <input className="input" type="password" required minLength={10} value={form.password} onChange={set('password')} autoComplete="new-password" />
        <span className="hint">At least 10 characters.</span>
      </label>
      {create.error != null && <div className="alert" role="alert">{err?.message ?? errorMessage(create.error)}</div>}
      <button className="btn primary" type="submit" disabled={create.isPending}>{create.isPending ? 'Adding…' : 'Add user'}</button>
    </form>
  );
}

const facetTitles: { facet: keyof Taxonomy; title: string; hint: string }[] = [
  { facet: 'stages', title: 'Deal stages', hint: 'In funnel order: analytics compare deals that reached the same stage.' },
  { facet: 'personas', title: 'Buyer personas', hint: 'Who the collateral speaks to.' },
  { facet: 'industries', title: 'Industries', hint: '' },
  { facet: 'products', title: 'Products', hint: '' },
];

function TaxonomyEditor() {
  const { data, isLoading, error, refetch } = useTaxonomy();
  // The admin's changes, until saved or discarded; the saved taxonomy
  // shows otherwise.
  const [edited, setEdited] = useState<Taxonomy | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: (t: Taxonomy) => api.putTaxonomy(t),
    onSuccess: (t) => {
      qc.setQueryData(['taxonomy'], t);
      setEdited(null);
      toast('Taxonomy saved.');
    },
  });
  if (isLoading) return <Loading />;
  if (error) return <ErrorState error={error} retry={() => void refetch()} />;
  if (!data) return null;
  const draft = edited ?? data;
  const dirty = edited !== null && JSON.stringify(edited) !== JSON.stringify(data);
  const update = (facet: keyof Taxonomy, terms: Term[]) =>
    setEdited({ ...draft, [facet]: terms.map((t, i) => ({ ...t, order: i + 1 })) });
  return (
    <>
      <div className="grid cols-2">
        {facetTitles.map((f) => (
          <FacetEditor key={f.facet} title={f.title} hint={f.hint} terms={draft[f.facet]} ordered={f.facet === 'stages'}
            onChange={(t) => update(f.facet, t)} />
        ))}
      </div>
      {save.error != null && <div className="alert" role="alert" style={{ marginTop: 16 }}>{errorMessage(save.error)}</div>}
      <div className="btn-row" style={{ marginTop: 16 }}>
        <button className="btn primary" disabled={!dirty || save.isPending} onClick={() => save.mutate(draft)}>
          {save.isPending ? 'Saving…' : 'Save taxonomy'}
        </button>
        <button className="btn" disabled={!dirty} onClick={() => setEdited(null)}>Discard changes</button>
        <span className="muted small">Terms in use by collateral or deals cannot be removed.</span>
      </div>
    </>
  );
}

function FacetEditor({ title, hint, terms, ordered, onChange }: {
  title: string;
  hint: string;
  terms: Term[];
  ordered: boolean;
  onChange: (t: Term[]) => void;
}) {
  const [newLabel, setNewLabel] = useState('');
  const sorted = [...terms].sort((a, b) => a.order - b.order);
  const move = (i: number, d: number) => {
    const next = [...sorted];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    onChange(next);
  };
  const add = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const key = keyFromLabel(newLabel);
    if (!key || sorted.some((t) => t.key === key)) return;
    onChange([...sorted, { key, label: newLabel.trim(), order: sorted.length + 1 }]);
    setNewLabel('');
  };
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {hint && <p className="muted small">{hint}</p>}
      {!sorted.length ? <Empty title="No terms" /> : (
        <ul className="deal-list">
          {sorted.map((t, i) => (
            <li key={t.key} className="row" style={{ padding: '4px 0' }}>
              <input className="input" style={{ height: 30 }} value={t.label} aria-label={`Label of ${t.key}`}
                onChange={(e) => onChange(sorted.map((x) => (x.key === t.key ? { ...x, label: e.target.value } : x)))} />
              <code className="faint small nowrap">{t.key}</code>
              {ordered && (
                <>
                  <button className="btn small ghost" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${t.label} up`}>↑</button>
                  <button className="btn small ghost" disabled={i === sorted.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${t.label} down`}>↓</button>
                </>
              )}
              <button className="btn small ghost danger" onClick={() => onChange(sorted.filter((x) => x.key !== t.key))}
                aria-label={`Remove ${t.label}`}>✕</button>
            </li>
          ))}
        </ul>
      )}
      <form className="row" onSubmit={add} style={{ marginTop: 8 }}>
        <input className="input" style={{ height: 30 }} placeholder="New term" value={newLabel} onChange={(e) => setNewLabel(e.target.value)}
          aria-label={`New term in ${title}`} />
        <button className="btn small" type="submit" disabled={!keyFromLabel(newLabel)}>Add</button>
      </form>
    </section>
  );
}
