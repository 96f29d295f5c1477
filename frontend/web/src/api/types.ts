// Types of the Stagecraft HTTP API (see /api/v1/openapi.json).

export type Role = 'admin' | 'marketer' | 'rep';

export interface User {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  created_at?: string;
  /** A disabled user cannot sign in; their sessions and tokens stop working. */
  disabled?: boolean;
  last_seen_at?: string | null;
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

export interface Term {
  key: string;
  label: string;
  order: number;
}

export interface Taxonomy {
  stages: Term[];
  personas: Term[];
  industries: Term[];
  products: Term[];
}

export type AssetType = 'pdf' | 'deck' | 'document' | 'spreadsheet' | 'image' | 'video' | 'text' | 'link' | 'other';
export type AssetStatus = 'draft' | 'published' | 'archived';
export type IndexStatus = 'pending' | 'indexed' | 'failed';

export interface AssetVersion {
  id: string;
  number: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  page_count: number | null;
  uploaded_by: string;
  created_at: string;
}

export interface Asset {
  id: string;
  title: string;
  description: string;
  type: AssetType;
  status: AssetStatus;
  stages: string[];
  personas: string[];
  industries: string[];
  products: string[];
  tags: string[];
  expires_at: string | null;
  owner_id: string;
  current_version: AssetVersion;
  index_status: IndexStatus;
  index_error: string | null;
  thumbnail_url: string | null;
  created_at: string;
  updated_at: string;
  /** Page images of the current version; absent from older servers. */
  preview?: AssetPreview;
}

export type PreviewStatus = 'none' | 'pending' | 'ready' | 'failed' | 'unavailable';

/** AssetPreview is the state of an asset's page images (decks and
 * documents are converted by the server; PDFs are rendered). */
export interface AssetPreview {
  status: PreviewStatus;
  pages?: number;
  error?: string | null;
  /** Width and height of each page, in points, in page order. */
  page_sizes?: [number, number][] | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type FacetName = 'stages' | 'personas' | 'industries' | 'products' | 'types';

export interface SearchHit {
  asset: Asset;
  score: number;
  highlights?: { title?: string; text?: string };
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: Partial<Record<FacetName, Record<string, number>>>;
  took_ms: number;
  estimated?: boolean;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface Deal {
  id: string;
  external_id: string;
  name: string;
  account: string;
  amount: number | null;
  currency: string;
  stage: string;
  status: DealStatus;
  owner_id: string | null;
  owner_email: string | null;
  owner_name?: string;
  personas: string[];
  industry: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Link {
  id: string;
  url: string;
  token: string;
  asset_id: string;
  deal_id: string | null;
  sharer_id: string;
  recipient_email: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  opens?: number;
  last_opened_at?: string | null;
  seconds_viewed?: number;
  /** Visitors must give their email before reading. */
  require_email?: boolean;
  /** A passcode is set (the passcode itself is never shown). */
  has_passcode?: boolean;
  allow_download?: boolean;
  /** The sharer is told when someone opens it. */
  notify?: boolean;
  /** External human visits. */
  visits?: number;
}

export type Device = 'desktop' | 'mobile' | 'tablet';

export interface PageTime {
  page: number;
  seconds: number;
}

/** Visit is one visitor's reading of one link. */
export interface Visit {
  id: string;
  visitor_email: string | null;
  started_at: string;
  last_seen_at: string;
  seconds: number;
  /** Pages read, with time > 0. */
  pages: PageTime[] | null;
  completion: number;
  device: Device;
  returning: boolean;
  internal: boolean;
  /** Pages of the version this visit read, when the server says per visit. */
  page_count?: number | null;
  link_id?: string;
  asset_id?: string;
  asset_title?: string;
}

export interface VisitPage {
  items: Visit[];
  next_cursor: string | null;
  /** Pages of the version shown, so unread pages can be drawn. */
  page_count?: number | null;
}

export interface Notification {
  id: string;
  type: string;
  created_at: string;
  read_at: string | null;
  title: string;
  body: string;
  url: string;
  data: Record<string, unknown> | null;
}

export interface NotificationPage {
  items: Notification[];
  unread: number;
  next_cursor: string | null;
}

export type EmailFrequency = 'instant' | 'daily' | 'off';

export interface NotificationSettings {
  email: EmailFrequency;
  slack_webhook_url: string | null;
  types: Record<string, boolean>;
  slack_status?: { failing: boolean; reason: string | null } | null;
  /** Set while the Slack URL refuses messages (the server's other spelling of slack_status). */
  slack_failing?: { since: string; reason: string } | null;
}

/** slackFailure is why the Slack URL stopped taking messages, or null
 * while it works; servers say it as slack_status or slack_failing. */
export function slackFailure(s: NotificationSettings): { reason: string | null; since: string | null } | null {
  if (s.slack_failing) return { reason: s.slack_failing.reason || null, since: s.slack_failing.since };
  if (s.slack_status?.failing) return { reason: s.slack_status.reason, since: null };
  return null;
}

export interface OrgSettings {
  name: string;
  logo_url: string | null;
  internal_domains: string[];
  review_days: number;
  password_login: boolean;
}

export interface Recommendation {
  asset: Asset;
  reason: string;
  lift: number | null;
  deals_won: number;
}

export interface AssetScore {
  asset_id: string;
  title: string;
  uses: number;
  unique_users: number;
  deals_influenced: number;
  deals_closed: number;
  deals_won: number;
  win_rate: number | null;
  win_rate_ci: [number, number] | null;
  baseline_win_rate: number | null;
  lift: number | null;
  revenue_influenced: number;
  link_opens: number;
  last_used_at: string | null;
  /** Mean seconds of an external visit; null without visits. */
  avg_view_seconds?: number | null;
  /** Mean share of pages read per visit, 0..1; null without visits. */
  completion?: number | null;
}

export interface OverallScore {
  deals_closed: number;
  deals_won: number;
  win_rate: number | null;
}

export interface Scorecard {
  overall: OverallScore;
  assets: AssetScore[];
}

export interface Breakdown {
  key: string;
  deals_influenced: number;
  deals_closed: number;
  deals_won: number;
  win_rate: number | null;
}

export interface UserUse {
  user_id: string;
  email: string;
  name: string;
  uses: number;
  last_used_at: string;
}

export interface WeekUse {
  week: string;
  uses: number;
  link_opens: number;
}

export interface AssetDetail extends AssetScore {
  by_stage: Breakdown[];
  by_persona: Breakdown[];
  by_user: UserUse[];
  series: WeekUse[];
  /** Attention per page over external human visits. */
  pages?: PageAttention[] | null;
}

export interface PageAttention {
  page: number;
  visits: number;
  /** Visits that read the page ÷ visits. */
  reach: number;
  median_seconds: number | null;
}

export interface APIToken {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  /** Who the token acts as; in the organisation-wide list only. */
  owner?: UserRef;
}

/** UserRef names a user where the API refers to one. */
export interface UserRef {
  id: string;
  email: string;
}

/** AuditEntry is one change recorded in the organisation's audit log. */
export interface AuditEntry {
  id: string;
  at: string;
  /** Null when no signed-in user did it (a password reset, failed
   * sign-ins); the email is as it was then, the id null if the user is gone. */
  actor: { id: string | null; email: string } | null;
  action: string;
  /** The id is empty for a one-off object (the taxonomy, the settings). */
  target: { type: string; id: string } | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  next_cursor: string | null;
}

export type EventType = 'view' | 'download' | 'share' | 'present' | 'copy_link' | 'attach';
