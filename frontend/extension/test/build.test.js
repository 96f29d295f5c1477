// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { manifestFor } from '../scripts/build.mjs';

const base = JSON.parse(readFileSync(new URL('../src/manifest.json', import.meta.url), 'utf8'));
const mailHosts = ['https://mail.google.com/*', 'https://outlook.office.com/*', 'https://outlook.live.com/*', 'https://outlook.office365.com/*'];

describe('manifest', () => {
  it('asks for no host at install: the server is requested at runtime', () => {
    expect(base.host_permissions).toBeUndefined();
    // alarms: the unread badge is refreshed about every minute.
    expect(base.permissions).toEqual(['storage', 'alarms']);
    expect(base.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
  });
  it('runs content scripts on Gmail and Outlook on the web only', () => {
    expect(base.content_scripts).toHaveLength(1);
    expect(base.content_scripts[0].matches).toEqual(mailHosts);
    expect(base.web_accessible_resources[0].matches).toEqual(mailHosts);
  });
  it('lists every file it names', () => {
    const names = [base.background.service_worker, base.action.default_popup, base.options_ui.page,
      ...base.content_scripts[0].js, ...base.web_accessible_resources[0].resources, ...Object.values(base.icons)];
    for (const n of names) expect(() => readFileSync(new URL(`../src/${n}`, import.meta.url)), n).not.toThrow();
  });
  it('has a Firefox variant with an event page and an id', () => {
    const ff = manifestFor('firefox', base);
    expect(ff.background).toEqual({ scripts: ['background.js'], type: 'module' });
    expect(ff.browser_specific_settings.gecko.id).toBe('extension@stagecraft.dev');
    expect(manifestFor('chrome', base)).toEqual(base);
  });
});
