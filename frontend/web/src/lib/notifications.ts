// Notifications point at absolute URLs of the web app; inside the app they
// open as routes.

/** appPath turns a notification's URL into a path inside the app when it
 * points at this app (same origin, or any origin when only the path is
 * trusted), else null (an outside URL opens as a normal link). */
export function appPath(url: string, origin: string = window.location.origin): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url, origin);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  // The server builds URLs from PUBLIC_URL, which may differ from the
  // address this browser uses (a proxy, localhost): app routes are kept.
  if (u.origin !== origin && !/^\/(links|assets|deals|search|settings|library|analytics|admin)(\/|$|\?)/.test(u.pathname)) return null;
  return u.pathname + u.search + u.hash;
}

/** unreadLabel names the bell for screen readers. */
export function unreadLabel(n: number): string {
  if (n <= 0) return 'Notifications, none unread';
  return `Notifications, ${n > 99 ? 'more than 99' : n} unread`;
}
