// The extension's service worker: it relays the panel's requests to the
// content script of the right tab (a panel cannot message a content script
// directly), remembers the compose window the user last worked in (so the
// toolbar popup can insert there too), keeps the unread count on the
// toolbar badge, and opens the options on install.
import { refreshBadge, startBadge } from './badge.js';

// Kept in session storage: the worker may be stopped between messages.
async function lastCompose() {
  const { lastCompose: last } = await chrome.storage.session.get('lastCompose');
  return last ?? null;
}

async function relay(tabId, payload) {
  try {
    const res = await chrome.tabs.sendMessage(tabId, payload, { frameId: 0 });
    return res ?? { ok: false, error: 'The email page did not answer. Reload it and try again.' };
  } catch {
    return { ok: false, error: 'The email page did not answer. Reload it and try again.' };
  }
}

async function handle(msg, sender) {
  switch (msg.type) {
    case 'compose-active':
      // From a content script: the user is writing in this compose window.
      if (sender.tab?.id !== undefined && typeof msg.compose === 'string') {
        await chrome.storage.session.set({ lastCompose: { tabId: sender.tab.id, compose: msg.compose } });
      }
      return { ok: true };
    case 'last-compose': {
      // From the popup: is there an email to insert into?
      const last = await lastCompose();
      if (!last) return { ok: false };
      const info = await relay(last.tabId, { type: 'compose-info', compose: last.compose });
      return info.ok ? { ok: true, compose: last.compose, recipients: info.recipients } : { ok: false };
    }
    case 'notifications-changed':
      // From the panel: the user may have read some.
      await refreshBadge();
      return { ok: true };
    case 'to-compose': {
      // A panel beside a compose window talks to its own tab; the popup
      // (no compose in its address) to the compose window last worked in.
      const inPage = sender.tab?.id !== undefined && new URL(sender.url).searchParams.has('compose');
      if (inPage) return relay(sender.tab.id, msg.payload);
      const last = await lastCompose();
      if (!last) return { ok: false, error: 'Click into the email you are writing, then open Stagecraft again.' };
      return relay(last.tabId, { ...msg.payload, compose: last.compose });
    }
  }
  return undefined;
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || typeof msg !== 'object') return false;
  handle(msg, sender).then(sendResponse, (err) => sendResponse({ ok: false, error: err.message }));
  return true; // answered asynchronously
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') chrome.runtime.openOptionsPage();
});

// Listeners are added at the top level so a restarted worker hears the alarm.
startBadge();
