import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { errorMessage } from '../api/client';
import * as api from '../api/endpoints';
import { slackFailure, type EmailFrequency, type NotificationSettings as Settings } from '../api/types';
import { FieldError, fieldError } from '../components/LinkOptions';
import { ErrorState, Loading, useToast } from '../components/ui';
import { localDateTime } from '../lib/format';

export const typeLabels: Record<string, string> = {
  'link.opened': 'Someone opens a link I shared',
  'room.opened': 'Someone opens a deal room of mine',
  'request.updated': 'A content request I made or voted for changes',
  'request.delivered': 'A content request I made or voted for is delivered',
  'asset.review_due': 'Collateral I own is due for review',
  'asset.published': 'New collateral fits one of my open deals',
};

/** typeOrder puts the known kinds first, in the order above. */
const typeOrder = (t: string) => {
  const i = Object.keys(typeLabels).indexOf(t);
  return i < 0 ? 99 : i;
};

const emailChoices: { key: EmailFrequency; label: string; hint: string }[] = [
  { key: 'instant', label: 'Right away', hint: 'One email per notification.' },
  { key: 'daily', label: 'Daily digest', hint: 'One email a day with everything new.' },
  { key: 'off', label: 'Off', hint: 'Only the bell in Stagecraft (and Slack, if set).' },
];

type Draft = Pick<Settings, 'email' | 'types'> & { slack_webhook_url: string };

const draftOf = (s: Settings): Draft => ({ email: s.email, slack_webhook_url: s.slack_webhook_url ?? '', types: { ...s.types } });

/** NotificationSettings chooses how the signed-in user hears of visits and
 * other events: email, a Slack-format webhook, and which kinds at all. */
export function NotificationSettings() {
  const q = useQuery({ queryKey: ['notification-settings'], queryFn: api.getNotificationSettings });
  if (q.error) return <section className="panel"><ErrorState error={q.error} retry={() => void q.refetch()} /></section>;
  if (!q.data) return <section className="panel"><Loading /></section>;
  return <SettingsForm saved={q.data} />;
}

function SettingsForm({ saved }: { saved: Settings }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState(() => draftOf(saved));
  const [seen, setSeen] = useState(saved);
  if (seen !== saved) {
    setSeen(saved);
    setDraft(draftOf(saved));
  }
  const save = useMutation({
    mutationFn: () => api.putNotificationSettings({
      email: draft.email, slack_webhook_url: draft.slack_webhook_url.trim() || null, types: draft.types,
    }),
    onSuccess: (s) => {
      qc.setQueryData(['notification-settings'], s);
      toast('Notification settings saved.');
    },
  });
  const slackError = fieldError(save.error, 'slack_webhook_url');
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate();
  };
  const types = Object.keys(draft.types).sort((a, b) => typeOrder(a) - typeOrder(b) || a.localeCompare(b));
  const failure = saved.slack_webhook_url ? slackFailure(saved) : null;
  return (
    <form className="panel" style={{ marginBottom: 16, maxWidth: 760 }} onSubmit={submit} aria-labelledby="notify-title" noValidate>
      <h2 id="notify-title">Notifications</h2>
      <fieldset className="link-options">
        <legend>Email</legend>
        {emailChoices.map((c) => (
          <div className="check-field" key={c.key}>
            <label>
              <input type="radio" name="email" value={c.key} checked={draft.email === c.key}
                onChange={() => setDraft({ ...draft, email: c.key })} />
              <span>{c.label}</span>
            </label>
            <span className="hint">{c.hint}</span>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="slack-url">Slack webhook URL (optional)</label>
        {failure && (
          <div className="alert warn" role="status">
            Deliveries to this webhook are failing{failure.since ? ` since ${localDateTime(failure.since)}` : ''}
            {failure.reason ? `: ${failure.reason}.` : '.'} Check the URL or make a new one; saving a URL tries again.
          </div>
        )}
        <input id="slack-url" className="input" type="url" inputMode="url" value={draft.slack_webhook_url} maxLength={2000}
          placeholder="https://hooks.slack.com/services/…" autoComplete="off"
          aria-invalid={slackError ? true : undefined} aria-describedby={slackError ? 'slack-url-err' : 'slack-url-hint'}
          onChange={(e) => setDraft({ ...draft, slack_webhook_url: e.target.value })} />
        {!slackError && <span className="hint" id="slack-url-hint">An incoming webhook of Slack, or of any service that takes Slack’s format. Empty: no Slack messages.</span>}
        <FieldError id="slack-url-err" message={slackError} />
      </div>
      <fieldset className="link-options">
        <legend>Tell me when</legend>
        {types.map((t) => (
          <div className="check-field" key={t}>
            <label>
              <input type="checkbox" checked={draft.types[t]} onChange={(e) => setDraft({ ...draft, types: { ...draft.types, [t]: e.target.checked } })} />
              <span>{typeLabels[t] ?? t}</span>
            </label>
          </div>
        ))}
      </fieldset>
      {save.error != null && !slackError && <div className="alert" role="alert">{errorMessage(save.error)}</div>}
      <button className="btn primary" type="submit" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save notification settings'}</button>
    </form>
  );
}
