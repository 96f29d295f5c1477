import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gmail, outlook } from './fixtures.js';

let C;
beforeAll(async () => {
  await import('../src/compose.js');
  C = globalThis.StagecraftCompose;
});
beforeEach(() => {
  document.body.innerHTML = '';
});

function mount(html) {
  const div = document.createElement('div');
  div.innerHTML = html;
  document.body.append(div);
  return div;
}

function caretAfter(node, offset) {
  const r = document.createRange();
  r.setStart(node, offset);
  r.collapse(true);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(r);
  return r;
}

describe('findBodies', () => {
  it('finds the Gmail and Outlook message bodies, once each', () => {
    mount(gmail);
    mount(outlook);
    const bodies = C.findBodies(document);
    expect(bodies).toHaveLength(2);
    expect(bodies[0].getAttribute('aria-label')).toBe('Message Body');
    expect(bodies[1].getAttribute('aria-label')).toMatch(/^Message body/);
  });
  it('ignores editable areas that are not message bodies', () => {
    mount('<div contenteditable="true" aria-label="Chat message"></div><div contenteditable="false" aria-label="Message Body"></div>');
    expect(C.findBodies(document)).toHaveLength(0);
  });
  it('keeps the innermost of nested matches', () => {
    mount('<div contenteditable="true" g_editable="true"><div contenteditable="true" aria-label="Message Body" id="inner"></div></div>');
    expect(C.findBodies(document).map((b) => b.id)).toEqual(['inner']);
  });
});

describe('containerOf and sendButton', () => {
  it('finds the compose window and its send button', () => {
    mount(gmail);
    mount(outlook);
    const [g, o] = C.findBodies(document);
    expect(C.sendButton(C.containerOf(g)).textContent).toBe('Send');
    expect(C.containerOf(g).getAttribute('aria-label')).toBe('New Message');
    expect(C.sendButton(C.containerOf(o)).getAttribute('aria-label')).toBe('Send');
  });
  it('keeps two compose windows apart', () => {
    mount(gmail);
    mount(gmail.replace('cio@northwind.example', 'other@fabrikam.example').replace('cio@northwind.example', 'other@fabrikam.example'));
    const [a, b] = C.findBodies(document);
    expect(C.containerOf(a)).not.toBe(C.containerOf(b));
    expect(C.recipients(C.containerOf(b))[0]).toBe('other@fabrikam.example');
  });
});

describe('recipients', () => {
  it('reads Gmail chips in order, lower-cased, once each', () => {
    mount(gmail);
    const [body] = C.findBodies(document);
    expect(C.recipients(C.containerOf(body))).toEqual(['cio@northwind.example', 'ops@northwind.example']);
  });
  it('reads Outlook pills and the typed address, not Cc', () => {
    mount(outlook);
    const [body] = C.findBodies(document);
    expect(C.recipients(C.containerOf(body))).toEqual(['cio@contoso.example', 'buyer@contoso.example']);
  });
  it('falls back to chips with an email attribute', () => {
    const div = mount('<div role="dialog"><span email="a@b.example"></span><div contenteditable="true" aria-label="Message Body"></div></div>');
    expect(C.recipients(div.firstElementChild)).toEqual(['a@b.example']);
  });
  it('is empty without recipients', () => {
    const div = mount('<form><div contenteditable="true" aria-label="Message Body">mail me at x@y.example</div></form>');
    expect(C.recipients(div.firstElementChild)).toEqual([]);
  });
});

describe('insertLink', () => {
  const url = 'https://hub.example.com/l/AbC_123';

  it('inserts at the saved caret, not at the end', () => {
    mount(gmail);
    const [body] = C.findBodies(document);
    const text = body.lastElementChild.firstChild; // "Here is the guide: "
    caretAfter(text, text.length);
    const range = C.saveSelection(body);
    // Focus goes elsewhere (the panel), and the caret with it.
    document.getSelection().removeAllRanges();
    const a = C.insertLink(body, range, url, 'Zero trust guide');
    expect(a.outerHTML).toBe(`<a href="${url}">Zero trust guide</a>`);
    expect(body.lastElementChild.textContent).toBe('Here is the guide: Zero trust guide\u00a0');
    expect(body.firstElementChild.textContent).toBe('Hi Nia,');
  });

  it('replaces a selection', () => {
    mount(outlook);
    const [body] = C.findBodies(document);
    const text = body.firstElementChild.firstChild; // "Hello,"
    const r = document.createRange();
    r.setStart(text, 0);
    r.setEnd(text, 5);
    C.insertLink(body, r, url, 'the deck');
    expect(body.firstElementChild.textContent).toBe('the deck\u00a0,');
  });

  it('appends at the end when no caret was saved', () => {
    mount(outlook);
    const [body] = C.findBodies(document);
    C.insertLink(body, null, url, 'Deck');
    expect(body.lastChild.nodeValue).toBe('\u00a0');
    expect(body.lastChild.previousSibling.tagName).toBe('A');
  });

  it('ignores a saved range from another compose window', () => {
    mount(gmail);
    mount(outlook);
    const [g, o] = C.findBodies(document);
    const r = document.createRange();
    r.selectNodeContents(g);
    C.insertLink(o, r, url, 'Deck');
    expect(g.querySelector('a')).toBeNull();
    expect(o.querySelector('a').href).toBe(url);
  });

  it('fires an input event so the editor saves its draft', () => {
    mount(gmail);
    const [body] = C.findBodies(document);
    const seen = vi.fn();
    body.addEventListener('input', seen);
    C.insertLink(body, null, url, 'Deck');
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('escapes the title as text', () => {
    mount(gmail);
    const [body] = C.findBodies(document);
    const a = C.insertLink(body, null, url, '<img src=x onerror=alert(1)>');
    expect(a.querySelector('img')).toBeNull();
    expect(a.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', 'not a url'])('refuses %s', (bad) => {
    mount(gmail);
    const [body] = C.findBodies(document);
    expect(() => C.insertLink(body, null, bad, 'x')).toThrow(/http/);
    expect(body.querySelector('a')).toBeNull();
  });

  it('uses the editor command when the browser has it', () => {
    mount(gmail);
    const [body] = C.findBodies(document);
    document.execCommand = vi.fn((cmd, _ui, html) => {
      expect(cmd).toBe('insertHTML');
      const sel = document.getSelection().getRangeAt(0);
      const frag = sel.createContextualFragment(html);
      sel.insertNode(frag);
      return true;
    });
    const a = C.insertLink(body, null, url, 'R&D "plan"');
    expect(document.execCommand).toHaveBeenCalledOnce();
    expect(a.textContent).toBe('R&D "plan"');
    expect(body.querySelectorAll('a')).toHaveLength(1);
    delete document.execCommand;
  });
});
