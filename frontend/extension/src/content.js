// Content script for Gmail and Outlook on the web: a "Stagecraft" button
// in every compose window opens the panel beside it; the panel asks (through
// the background worker) for the recipients and to insert a link at the
// caret. The panel runs at the extension's own origin, so the page can
// neither read it nor the API token.
(() => {
  'use strict';
  const C = globalThis.StagecraftCompose;
  const composes = new Map(); // compose id → { body, container, range, button }
  let panel = null; // { id, frame }
  let seq = 0;

  function remember(id) {
    const c = composes.get(id);
    if (!c) return;
    const r = C.saveSelection(c.body);
    if (r) c.range = r;
  }

  function makeButton(id) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Stagecraft';
    b.title = 'Insert a tracked link to Stagecraft collateral';
    b.setAttribute('aria-label', 'Insert a Stagecraft link');
    b.setAttribute('aria-haspopup', 'dialog');
    b.dataset.stagecraftButton = id;
    Object.assign(b.style, {
      margin: '0 8px', padding: '0 12px', height: '32px', border: '1px solid #c7cbe6', borderRadius: '16px',
      background: '#eef0ff', color: '#3730a3', font: '600 13px/30px system-ui, sans-serif', cursor: 'pointer',
      verticalAlign: 'middle',
    });
    // mousedown would move focus, and the caret, out of the message: keep it.
    b.addEventListener('mousedown', (e) => {
      e.preventDefault();
      remember(id);
    });
    b.addEventListener('click', (e) => {
      e.preventDefault();
      remember(id);
      togglePanel(id);
    });
    return b;
  }

  function attach(body) {
    if (body.dataset.stagecraftCompose) return;
    const id = `c${++seq}-${Math.random().toString(36).slice(2, 8)}`;
    body.dataset.stagecraftCompose = id;
    const container = C.containerOf(body);
    const button = makeButton(id);
    const send = C.sendButton(container);
    if (send) send.insertAdjacentElement('afterend', button);
    else body.insertAdjacentElement('beforebegin', button);
    composes.set(id, { body, container, range: null, button });
    for (const ev of ['keyup', 'mouseup', 'input', 'focus']) body.addEventListener(ev, () => remember(id));
    // The toolbar popup inserts into the compose window last worked in.
    body.addEventListener('focus', () => chrome.runtime.sendMessage({ type: 'compose-active', compose: id }).catch(() => {}));
  }

  function scan() {
    for (const body of C.findBodies(document)) attach(body);
    for (const [id, c] of composes) {
      if (!c.body.isConnected) {
        c.button.remove();
        composes.delete(id);
        if (panel?.id === id) closePanel();
      }
    }
  }

  function closePanel() {
    panel?.frame.remove();
    panel = null;
  }

  function togglePanel(id) {
    if (panel?.id === id) {
      closePanel();
      return;
    }
    closePanel();
    const frame = document.createElement('iframe');
    frame.src = chrome.runtime.getURL(`panel.html?compose=${encodeURIComponent(id)}`);
    frame.title = 'Stagecraft';
    frame.dataset.stagecraftPanel = id;
    frame.allow = 'clipboard-write';
    Object.assign(frame.style, {
      position: 'fixed', top: '64px', right: '16px', width: '400px', height: 'min(680px, calc(100vh - 88px))',
      border: '0', borderRadius: '12px', boxShadow: '0 12px 32px rgba(16,24,40,.28)', zIndex: '2147483646',
      background: '#fff', colorScheme: 'light',
    });
    document.documentElement.appendChild(frame);
    panel = { id, frame };
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && panel) closePanel();
  });

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !msg || typeof msg !== 'object') return false;
    const c = composes.get(msg.compose);
    switch (msg.type) {
      case 'compose-info':
        sendResponse(c ? { ok: true, recipients: C.recipients(c.container) } : { ok: false, error: 'That email window is closed.' });
        return false;
      case 'insert-link':
        if (!c || !c.body.isConnected) {
          sendResponse({ ok: false, error: 'That email window is closed.' });
          return false;
        }
        try {
          C.insertLink(c.body, c.range, msg.url, msg.title);
          remember(msg.compose);
          closePanel();
          sendResponse({ ok: true });
        } catch (err) {
          sendResponse({ ok: false, error: err.message });
        }
        return false;
      case 'close-panel':
        closePanel();
        sendResponse({ ok: true });
        return false;
    }
    return false;
  });

  // Compose windows come and go without page loads.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      scan();
    }, 250);
  }).observe(document.documentElement, { childList: true, subtree: true });
  scan();
})();
