// Reading a visit's pages for the timeline: every page of the document,
// with the time spent on it, so unread pages show as skipped.
import type { PageAttention, PageTime, Visit } from '../api/types';

export interface PageBar {
  page: number;
  seconds: number;
  skipped: boolean;
}

/** pageBars lists pages 1..pageCount (or up to the last page read, when
 * the count is unknown) with their seconds; a page without time is skipped. */
export function pageBars(pages: PageTime[] | null | undefined, pageCount?: number | null): PageBar[] {
  const byPage = new Map<number, number>();
  for (const p of pages ?? []) {
    if (p.page >= 1) byPage.set(p.page, (byPage.get(p.page) ?? 0) + Math.max(0, p.seconds));
  }
  const last = Math.max(pageCount ?? 0, ...byPage.keys(), 0);
  return Array.from({ length: last }, (_, i) => {
    const seconds = byPage.get(i + 1) ?? 0;
    return { page: i + 1, seconds, skipped: seconds <= 0 };
  });
}

/** visitorName is how a visit's reader is named. */
export function visitorName(v: Pick<Visit, 'visitor_email'>): string {
  return v.visitor_email || 'Anonymous visitor';
}

export const deviceLabel: Record<Visit['device'], string> = { desktop: 'Desktop', mobile: 'Phone', tablet: 'Tablet' };

export interface AttentionBar {
  page: number;
  reach: number;
  median_seconds: number;
  visits: number;
  skipped: boolean;
}

/** attentionBars fills the asset's pages 1..pageCount from the per-page
 * analytics; a page no visit read counts as skipped. */
export function attentionBars(pages: PageAttention[] | null | undefined, pageCount?: number | null): AttentionBar[] {
  const byPage = new Map((pages ?? []).map((p) => [p.page, p]));
  const last = Math.max(pageCount ?? 0, ...byPage.keys(), 0);
  return Array.from({ length: last }, (_, i) => {
    const p = byPage.get(i + 1);
    const reach = p?.reach ?? 0;
    return { page: i + 1, reach, median_seconds: p?.median_seconds ?? 0, visits: p?.visits ?? 0, skipped: reach <= 0 };
  });
}
