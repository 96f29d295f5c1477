// One function per API call the web app makes.
import { ApiError, request, fetchRaw, upload, type RequestOptions, type UploadProgress } from './client';
import type {
  APIToken, Asset, AssetDetail, AssetStatus, AssetVersion, AuditPage, Deal, EventType, Link, NotificationPage,
  NotificationSettings, OrgSettings, Page, Recommendation, Role, Scorecard, SearchResult, Session, Taxonomy, User,
  VisitPage,
} from './types';

/** WirePage is a list as it may arrive: an empty list can come as null,
 * and not every list counts its total. */
interface WirePage<T> {
  items?: T[] | null;
  total?: number;
}

/** pageOf fetches a list, treating a missing list as empty. */
async function pageOf<T>(path: string, query?: RequestOptions['query']): Promise<Page<T>> {
  const p = await request<WirePage<T>>(path, { query });
  const items = p.items ?? [];
  return { ...p, items, total: p.total ?? items.length };
}

export const login = (email: string, password: string) =>
  request<Session>('/auth/login', { method: 'POST', body: { email, password } });
export const me = () => request<User>('/me');
/** logout ends the session whose token it is sent with. */
export const logout = (signal?: AbortSignal) => request<undefined>('/auth/logout', { method: 'POST', signal });
export const changePassword = (current_password: string, new_password: string) =>
  request<undefined>('/me/password', { method: 'POST', body: { current_password, new_password } });
/** requestPasswordReset answers the same whether or not the address has an account. */
export const requestPasswordReset = (email: string) =>
  request<undefined>('/auth/password-reset', { method: 'POST', body: { email } });
export const confirmPasswordReset = (token: string, new_password: string) =>
  request<undefined>('/auth/password-reset/confirm', { method: 'POST', body: { token, new_password } });

export const getTaxonomy = () => request<Taxonomy>('/taxonomy');
export const putTaxonomy = (t: Taxonomy) => request<Taxonomy>('/taxonomy', { method: 'PUT', body: t });

export interface SearchParams {
  q?: string;
  stage?: string[];
  persona?: string[];
  industry?: string[];
  product?: string[];
  type?: string[];
  deal_id?: string;
  limit?: number;
  offset?: number;
}
export const search = (p: SearchParams, signal?: AbortSignal) =>
  request<SearchResult>('/search', { query: { ...p }, signal });

export interface AssetListParams {
  status?: AssetStatus[];
  stage?: string[];
  persona?: string[];
  limit?: number;
  offset?: number;
}
export const listAssets = (p: AssetListParams) => pageOf<Asset>('/assets', { ...p });
export const getAsset = (id: string) => request<Asset>(`/assets/${id}`);
export const listVersions = (id: string, limit = 100, offset = 0) => pageOf<AssetVersion>(`/assets/${id}/versions`, { limit, offset });

export interface AssetPatch {
  title?: string;
  description?: string;
  status?: AssetStatus;
  stages?: string[];
  personas?: string[];
  industries?: string[];
  products?: string[];
  tags?: string[];
  expires_at?: string | null;
}
export const patchAsset = (id: string, p: AssetPatch) => request<Asset>(`/assets/${id}`, { method: 'PATCH', body: p });
export const archiveAsset = (id: string) => request<undefined>(`/assets/${id}`, { method: 'DELETE' });

/** UploadMeta is what an upload may set besides the file. */
export type UploadMeta = Omit<AssetPatch, 'description' | 'expires_at'>;
export function uploadAsset(file: File, meta: UploadMeta, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal) {
  const form = new FormData();
  for (const [k, v] of Object.entries(meta)) {
    if (Array.isArray(v)) {
      if (v.length) form.append(k, v.join(','));
    } else if (v) form.append(k, v);
  }
  // The file goes last, so the server checks the fields before storing it.
  form.append('file', file, file.name);
  return upload<Asset>('/assets', form, onProgress, signal);
}
export function uploadVersion(id: string, file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal) {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<Asset>(`/assets/${id}/versions`, form, onProgress, signal);
}

/** downloadURL asks for a short-lived URL of the current file, recording
 * a download (on the deal, when one is given). */
export async function downloadURL(id: string, dealID?: string): Promise<string> {
  const r = await request<{ url: string }>(`/assets/${id}/download`, { query: { deal_id: dealID, format: 'json' } });
  return r.url;
}

export interface DealListParams {
  status?: string;
  owner?: 'me';
  /** Words of the deal's name, account or CRM id. */
  q?: string;
  limit?: number;
  offset?: number;
}
export const listDeals = (p: DealListParams) => pageOf<Deal>('/deals', { ...p });
export const getDeal = (id: string) => request<Deal>(`/deals/${id}`);
export const attachAsset = (dealID: string, assetID: string) =>
  request<unknown>(`/deals/${dealID}/assets`, { method: 'POST', body: { asset_id: assetID } });

export const recommendations = (dealID: string, limit = 6) =>
  pageOf<Recommendation>('/recommendations', { deal_id: dealID, limit });

/** LinkOptions protect a link and say what its visitors may do. */
export interface LinkOptions {
  require_email?: boolean;
  /** A new passcode; on PATCH, "" or null removes it. */
  passcode?: string | null;
  allow_download?: boolean;
  notify?: boolean;
}

export interface NewLink extends LinkOptions {
  asset_id: string;
  deal_id?: string;
  recipient_email?: string;
  expires_at?: string;
}
export const createLink = (l: NewLink) => request<Link>('/links', { method: 'POST', body: l });
export const listLinks = (p: { asset_id?: string; deal_id?: string; q?: string; limit?: number; offset?: number }) =>
  pageOf<Link>('/links', { ...p });
export const getLink = (id: string) => request<Link>(`/links/${id}`);
export type LinkPatch = LinkOptions & { expires_at?: string | null };
export const patchLink = (id: string, p: LinkPatch) => request<Link>(`/links/${id}`, { method: 'PATCH', body: p });
export const revokeLink = (id: string) => request<undefined>(`/links/${id}`, { method: 'DELETE' });

/** wireVisits reads a visits answer, an empty list possibly as null. */
async function wireVisits(path: string, query: RequestOptions['query']): Promise<VisitPage> {
  const r = await request<Partial<VisitPage> & { items?: VisitPage['items'] | null }>(path, { query });
  return { items: r.items ?? [], next_cursor: r.next_cursor ?? null, page_count: r.page_count ?? null };
}
export const linkVisits = (id: string, p: { limit?: number; cursor?: string } = {}) =>
  wireVisits(`/links/${id}/visits`, { ...p });
export const dealVisits = (id: string, p: { limit?: number; cursor?: string } = {}) =>
  wireVisits(`/deals/${id}/visits`, { ...p });

export async function listNotifications(p: { unread?: boolean; limit?: number; cursor?: string }, signal?: AbortSignal): Promise<NotificationPage> {
  const r = await request<Partial<NotificationPage> & { items?: NotificationPage['items'] | null }>('/notifications', { query: { ...p }, signal });
  return { items: r.items ?? [], unread: r.unread ?? 0, next_cursor: r.next_cursor ?? null };
}
/** markRead marks the given notifications read, or all of them. */
export const markRead = (ids: string[] | 'all') =>
  request<undefined>('/notifications/read', { method: 'POST', body: ids === 'all' ? { all: true } : { ids } });
export const getNotificationSettings = () => request<NotificationSettings>('/me/notification-settings');
export const putNotificationSettings = (p: Partial<Omit<NotificationSettings, 'slack_status'>>) =>
  request<NotificationSettings>('/me/notification-settings', { method: 'PUT', body: p });
export const getOrgSettings = () => request<OrgSettings>('/settings');
export const putOrgSettings = (p: Partial<OrgSettings>) => request<OrgSettings>('/settings', { method: 'PUT', body: p });

export function recordEvent(type: EventType, assetID: string, dealID?: string, meta?: Record<string, unknown>) {
  return request<unknown>('/events', {
    method: 'POST',
    body: {
      events: [{
        id: crypto.randomUUID(), type, asset_id: assetID, deal_id: dealID || undefined,
        occurred_at: new Date().toISOString(), meta: meta ?? {},
      }],
    },
  });
}

export interface AnalyticsParams {
  from?: string;
  to?: string;
  stage?: string;
  persona?: string;
  sort?: string;
}
export const scorecard = (p: AnalyticsParams) => request<Scorecard>('/analytics/assets', { query: { ...p } });
export async function scorecardCSV(p: AnalyticsParams): Promise<Blob> {
  const res = await fetchRaw('/analytics/assets', { query: { ...p, format: 'csv' } });
  return wholeBody(res);
}

/** wholeBody reads a download to its end. A server that fails part-way
 * drops the connection, and that is said plainly: no partial file is
 * saved as if it were whole. */
export async function wholeBody(res: Response): Promise<Blob> {
  try {
    return await res.blob();
  } catch {
    throw new ApiError(0, 'incomplete', 'The export stopped before the end, so nothing was saved. Try again.');
  }
}
export const assetAnalytics = (id: string, p: AnalyticsParams = {}) =>
  request<AssetDetail>(`/analytics/assets/${id}`, { query: { ...p } });
export const unusedAssets = (days: number) => pageOf<Asset>('/analytics/unused', { days });

export const listUsers = (p: { q?: string; limit?: number; offset?: number } = {}) => pageOf<User>('/users', { limit: 100, ...p });
export const createUser = (u: { email: string; name: string; role: Role; password: string }) =>
  request<User>('/users', { method: 'POST', body: u });
export const patchUser = (id: string, p: { name?: string; role?: Role; disabled?: boolean }) =>
  request<User>(`/users/${id}`, { method: 'PATCH', body: p });

export const listTokens = (limit = 100, offset = 0) => pageOf<APIToken>('/api-tokens', { limit, offset });
/** listOrgTokens lists every live token of the organisation, with its owner (admins). */
export const listOrgTokens = (limit = 100, offset = 0) => pageOf<APIToken>('/api-tokens', { user: 'all', limit, offset });
export const createToken = (name: string) =>
  request<APIToken & { token: string }>('/api-tokens', { method: 'POST', body: { name } });
export const revokeToken = (id: string) => request<undefined>(`/api-tokens/${id}`, { method: 'DELETE' });

export const usageSeries = (p: { from?: string; to?: string }) =>
  request<{ series: import('./types').WeekUse[] }>('/analytics/usage', { query: { ...p } });

export interface AuditParams {
  actor?: string;
  action?: string;
  target?: string;
  /** YYYY-MM-DD or RFC 3339; a date in `to` includes that whole day. */
  from?: string;
  to?: string;
}
export async function listAudit(p: AuditParams & { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<AuditPage> {
  const r = await request<{ items?: AuditPage['items'] | null; next_cursor?: string | null }>('/audit', { query: { ...p }, signal });
  return { items: r.items ?? [], next_cursor: r.next_cursor ?? null };
}
export async function auditCSV(p: AuditParams): Promise<Blob> {
  const res = await fetchRaw('/audit', { query: { ...p, format: 'csv' } });
  return wholeBody(res);
}
