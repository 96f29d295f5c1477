// The toolbar badge: the number of unread Stagecraft notifications,
// refreshed by an alarm about every minute (the service worker sleeps in
// between) and whenever the connection settings change.
import { call, loadSettings } from './api.js';

export const alarmName = 'unread-notifications';
export const periodMinutes = 1;

/** badgeText is what the badge shows for a count: nothing at zero. */
export function badgeText(n) {
  if (!Number.isFinite(n) || n <= 0) return '';
  return n > 99 ? '99+' : String(Math.floor(n));
}

/** refreshBadge asks for the unread count and shows it; when the server
 * cannot be asked (not connected, token refused, offline) the badge is
 * cleared rather than left showing an old count. */
export async function refreshBadge(action = chrome.action) {
  let text = '';
  let title = 'Stagecraft';
  try {
    const settings = await loadSettings();
    if (settings.server && settings.token) {
      const r = await call(settings, 'GET', '/notifications?unread=true&limit=1');
      const n = Number(r?.unread ?? 0);
      text = badgeText(n);
      if (n > 0) title = `Stagecraft: ${n} unread notification${n === 1 ? '' : 's'}`;
    }
  } catch {
    text = '';
  }
  await action.setBadgeText({ text });
  await action.setTitle({ title });
  if (text) await action.setBadgeBackgroundColor({ color: '#e11d48' });
  return text;
}

/** startBadge schedules the refreshes and does one now. */
export function startBadge() {
  chrome.alarms.create(alarmName, { periodInMinutes: periodMinutes });
  chrome.alarms.onAlarm.addListener((a) => {
    if (a.name === alarmName) void refreshBadge();
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && (changes.server || changes.token)) void refreshBadge();
  });
  void refreshBadge();
}
