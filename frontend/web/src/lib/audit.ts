// The audit log's vocabulary and its filters, kept in the URL.
import type { AuditParams } from '../api/endpoints';

/** actionGroups are the actions the server records, grouped for the
 * filter's select. */
export const actionGroups: { label: string; actions: [string, string][] }[] = [
  { label: 'People', actions: [
    ['user.created', 'User added'], ['user.updated', 'User changed'],
    ['user.disabled', 'User disabled'], ['user.enabled', 'User enabled'],
  ] },
  { label: 'Sign-in and passwords', actions: [
    ['auth.password_changed', 'Password changed'], ['auth.password_reset', 'Password reset'],
    ['auth.sign_in_failed', 'Repeated failed sign-ins'],
  ] },
  { label: 'API tokens', actions: [['token.created', 'Token created'], ['token.revoked', 'Token revoked']] },
  { label: 'Collateral', actions: [
    ['asset.created', 'Asset added'], ['asset.updated', 'Asset changed'], ['asset.archived', 'Asset archived'],
    ['taxonomy.updated', 'Taxonomy changed'],
  ] },
  { label: 'Sharing', actions: [
    ['link.created', 'Link created'], ['link.updated', 'Link changed'], ['link.revoked', 'Link revoked'],
    ['room.created', 'Deal room created'], ['room.revoked', 'Deal room revoked'],
  ] },
  { label: 'Organisation', actions: [
    ['webhook.created', 'Webhook added'], ['webhook.deleted', 'Webhook deleted'], ['settings.updated', 'Settings changed'],
  ] },
];

const labels = new Map(actionGroups.flatMap((g) => g.actions));

/** actionLabel names an action for people; an action this version does not
 * know keeps its code. */
export const actionLabel = (action: string) => labels.get(action) ?? action;

export const auditFilterKeys = ['actor', 'action', 'target', 'from', 'to'] as const;

/** parseAuditFilter reads the filters from the page's query; dates must
 * be YYYY-MM-DD. */
export function parseAuditFilter(p: URLSearchParams): AuditParams {
  const f: AuditParams = {};
  for (const k of auditFilterKeys) {
    const v = p.get(k)?.trim();
    if (!v) continue;
    if ((k === 'from' || k === 'to') && !/^\d{4}-\d{2}-\d{2}$/.test(v)) continue;
    f[k] = v;
  }
  return f;
}

/** detailsText renders an entry's details as "key: value" pairs. */
export function detailsText(details: Record<string, unknown> | null | undefined): [string, string][] {
  if (!details) return [];
  return Object.entries(details).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
