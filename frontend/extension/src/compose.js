// The compose-window logic of the content script, apart from the page
// wiring so it can be unit-tested: finding message bodies in Gmail and
// Outlook on the web, reading their recipients, and inserting a link at the
// caret. Loaded as a classic script; it publishes StagecraftCompose.
(function (root) {
  'use strict';

  // Message bodies: Gmail's is a contenteditable textbox labelled "Message
  // Body"; Outlook's is labelled "Message body, press Alt+F10 to exit".
  const bodySelectors = [
    'div[contenteditable="true"][aria-label^="Message Body" i]',
    'div[contenteditable="true"][aria-label^="Message body" i]',
    'div[contenteditable="true"][g_editable="true"]',
  ];

  // Send buttons: Gmail's are div[role=button] with a "Send" tooltip;
  // Outlook's are buttons labelled "Send".
  const sendSelector = [
    '[role="button"][data-tooltip^="Send" i]',
    '[role="button"][aria-label^="Send" i]',
    'button[aria-label^="Send" i]',
    'button[title^="Send" i]',
  ].join(',');

  // The To field: Gmail's recipient area is named "to" with chips carrying
  // an email attribute; Outlook's is a well labelled "To".
  const toSelector = '[name="to"], [aria-label="To" i], [aria-label^="To recipients" i], [aria-label^="To:" i]';

  const emailPattern = /[A-Z0-9._%+'-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;

  /** findBodies returns the message bodies in doc, each once. */
  function findBodies(doc) {
    const seen = new Set();
    for (const sel of bodySelectors) {
      for (const el of doc.querySelectorAll(sel)) seen.add(el);
    }
    // A body nested in another match (Gmail wraps its editor) counts once:
    // keep the innermost.
    return [...seen].filter((el) => ![...seen].some((o) => o !== el && el.contains(o)));
  }

  /** containerOf finds the compose window around a body: the nearest
   * ancestor holding a send button, else a dialog or form, else the
   * body's parent. */
  function containerOf(body) {
    let el = body.parentElement;
    for (let i = 0; el && i < 25; i++, el = el.parentElement) {
      if (el.querySelector(sendSelector)) return el;
      if (el.matches('[role="dialog"], form')) return el;
    }
    return body.parentElement || body;
  }

  function sendButton(container) {
    return container.querySelector(sendSelector);
  }

  function emailsIn(text) {
    return (text || '').match(emailPattern) || [];
  }

  /** recipients lists the addresses in the compose window's To field, in
   * order and once each (lower-cased). Without a recognisable To field it
   * falls back to Gmail's recipient chips anywhere in the window. */
  function recipients(container) {
    const out = [];
    const add = (text) => {
      for (const e of emailsIn(text)) {
        const v = e.toLowerCase();
        if (!out.includes(v)) out.push(v);
      }
    };
    const fields = container.querySelectorAll(toSelector);
    if (!fields.length) {
      for (const chip of container.querySelectorAll('[email]')) add(chip.getAttribute('email'));
      return out;
    }
    for (const f of fields) {
      for (const n of [f, ...f.querySelectorAll('[email], [data-hovercard-id], [title], input')]) {
        add(n.getAttribute('email'));
        add(n.getAttribute('data-hovercard-id'));
        add(n.getAttribute('title'));
        if (n.tagName === 'INPUT') add(n.value);
      }
      // Text node by text node: names and addresses sit in adjacent
      // spans, and their joined text would glue a name onto an address.
      const walk = f.ownerDocument.createTreeWalker(f, NodeFilter.SHOW_TEXT);
      for (let t = walk.nextNode(); t; t = walk.nextNode()) add(t.nodeValue);
    }
    return out;
  }

  /** saveSelection returns a copy of the caret's range when it lies in
   * body, so it can be restored after focus moves to the panel. */
  function saveSelection(body) {
    const sel = body.ownerDocument.getSelection();
    if (!sel || sel.rangeCount === 0) return null;
    const r = sel.getRangeAt(0);
    return body.contains(r.commonAncestorContainer) ? r.cloneRange() : null;
  }

  /** safeURL accepts only http(s) links: a server that answered anything
   * else must not put a script URL into an email. */
  function safeURL(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch {
      return null;
    }
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  /** insertLink puts <a href=url>text</a> at range in body (or at its end
   * when range is null or stale) and returns the anchor. It uses the
   * editor's own insert command first, which keeps undo working and fires
   * the input events Gmail and Outlook listen for; where that is missing
   * it inserts the node itself and fires an input event. */
  function insertLink(body, range, url, text) {
    const href = safeURL(url);
    if (!href) throw new Error('Refusing to insert a link that is not http(s).');
    const doc = body.ownerDocument;
    const label = (text || href).trim().slice(0, 200) || href;
    body.focus();
    const sel = doc.getSelection();
    let r = range && body.contains(range.commonAncestorContainer) ? range : null;
    if (!r) {
      r = doc.createRange();
      r.selectNodeContents(body);
      r.collapse(false);
    }
    sel.removeAllRanges();
    sel.addRange(r);

    const before = new Set(body.querySelectorAll('a[href]'));
    let done = false;
    try {
      done = typeof doc.execCommand === 'function' &&
        doc.execCommand('insertHTML', false, `<a href="${escapeHTML(href)}">${escapeHTML(label)}</a>&nbsp;`);
    } catch {
      done = false;
    }
    const inserted = [...body.querySelectorAll('a[href]')].find((a) => !before.has(a) && a.href === href);
    if (done && inserted) return inserted;

    const a = doc.createElement('a');
    a.href = href;
    a.textContent = label;
    const space = doc.createTextNode('\u00a0');
    r.deleteContents();
    r.insertNode(space);
    r.insertNode(a);
    const after = doc.createRange();
    after.setStartAfter(space);
    after.collapse(true);
    sel.removeAllRanges();
    sel.addRange(after);
    body.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertLink', data: href }));
    return a;
  }

  root.StagecraftCompose = { findBodies, containerOf, sendButton, recipients, saveSelection, insertLink, safeURL };
})(globalThis);
