// The extension's service worker: it relays the panel's requests to the
// content script of the tab the panel is in (a panel frame cannot message a
// content script directly), and opens the options on first install.

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || msg?.type !== 'to-compose') return false;
  const tabId = sender.tab?.id;
  if (tabId === undefined) {
    sendResponse({ ok: false, error: 'Open the panel from an email you are writing.' });
    return false;
  }
  chrome.tabs.sendMessage(tabId, msg.payload, { frameId: 0 }).then(
    (res) => sendResponse(res ?? { ok: false, error: 'The email page did not answer. Reload it and try again.' }),
    () => sendResponse({ ok: false, error: 'The email page did not answer. Reload it and try again.' }),
  );
  return true; // answered asynchronously
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') chrome.runtime.openOptionsPage();
});
