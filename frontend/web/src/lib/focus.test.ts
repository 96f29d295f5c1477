import { afterEach, describe, expect, it } from 'vitest';
import { focusables, nextTab, trapTab } from './focus';

describe('nextTab', () => {
  it.each([
    ['ArrowRight', 0, 3, 1],
    ['ArrowRight', 2, 3, 0],
    ['ArrowLeft', 0, 3, 2],
    ['ArrowLeft', 2, 3, 1],
    ['Home', 2, 3, 0],
    ['End', 0, 3, 2],
    ['ArrowDown', 0, 3, null],
    ['Enter', 1, 3, null],
    ['ArrowRight', 0, 0, null],
  ])('%s from %s of %s goes to %s', (key, cur, count, want) => expect(nextTab(key, cur, count)).toBe(want));
  it('uses up and down for vertical lists', () => {
    expect(nextTab('ArrowDown', 0, 3, true)).toBe(1);
    expect(nextTab('ArrowUp', 0, 3, true)).toBe(2);
    expect(nextTab('ArrowRight', 0, 3, true)).toBeNull();
  });
});

describe('trapTab', () => {
  afterEach(() => { document.body.innerHTML = ''; });
  const setup = () => {
    document.body.innerHTML = `<button id="outside">out</button>
      <div id="root" tabindex="-1"><button id="a">a</button><input id="hidden" hidden><button id="b" disabled>b</button>
      <a id="c" href="#x">c</a></div>`;
    return document.getElementById('root')!;
  };
  const tab = (shiftKey = false) => {
    let prevented = false;
    const e = { key: 'Tab', shiftKey, preventDefault: () => { prevented = true; } } as unknown as KeyboardEvent;
    return { e, prevented: () => prevented };
  };

  it('lists only reachable elements', () => {
    expect(focusables(setup()).map((el) => el.id)).toEqual(['a', 'c']);
  });
  it('wraps from the last to the first', () => {
    const root = setup();
    document.getElementById('c')!.focus();
    const t = tab();
    expect(trapTab(t.e, root)).toBe(true);
    expect(t.prevented()).toBe(true);
    expect(document.activeElement?.id).toBe('a');
  });
  it('wraps from the first to the last with Shift', () => {
    const root = setup();
    document.getElementById('a')!.focus();
    expect(trapTab(tab(true).e, root)).toBe(true);
    expect(document.activeElement?.id).toBe('c');
  });
  it('lets Tab move normally inside', () => {
    const root = setup();
    document.getElementById('a')!.focus();
    const t = tab();
    expect(trapTab(t.e, root)).toBe(false);
    expect(t.prevented()).toBe(false);
  });
  it('brings focus back in from outside', () => {
    const root = setup();
    document.getElementById('outside')!.focus();
    expect(trapTab(tab().e, root)).toBe(true);
    expect(document.activeElement?.id).toBe('a');
  });
  it('ignores other keys', () => {
    const root = setup();
    const e = { key: 'Enter', shiftKey: false, preventDefault: () => {} } as unknown as KeyboardEvent;
    expect(trapTab(e, root)).toBe(false);
  });
});
