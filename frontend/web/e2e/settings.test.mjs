// Notification and organisation settings in a real browser against a real
// server: choices are saved, and a refused value is explained beside its field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, launchBrowser, login, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
const rep = { email: 'sam@e2e.test', name: 'Sam Rep', role: 'rep', password: 'sam-password-1' };

describe('settings', { skip: skip ?? false, timeout: 180_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    const token = await login(server, admin.email, admin.password);
    await api(server, token, 'POST', '/users', rep);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      if (process.exitCode) console.error(server.logs.join(''));
      await server.stop();
    }
  });

  async function signIn(context, user, path) {
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(server.url + path);
    return page;
  }

  test('a rep chooses a daily digest and is told why a Slack URL is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, rep, '/settings');
    await page.getByLabel('Daily digest').check();
    await page.getByLabel('Someone opens a link I shared').uncheck();
    // A private address is refused (the server does not allow them here).
    const slack = page.getByLabel('Slack webhook URL (optional)');
    await slack.fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.waitForFunction(() => document.getElementById('slack-url')?.getAttribute('aria-invalid') === 'true');
    assert.ok((await page.locator('#slack-url-err').textContent()).length > 0, 'the reason is shown beside the field');
    await slack.fill('');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByText('Notification settings saved.').waitFor();
    const token = await login(server, rep.email, rep.password);
    const s = await api(server, token, 'GET', '/me/notification-settings');
    assert.equal(s.email, 'daily');
    assert.equal(s.types['link.opened'], false);
    assert.equal(s.slack_webhook_url, null);
    await context.close();
  });

  test('an admin sets the internal domains', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, admin, '/admin?tab=organisation');
    const domains = page.getByLabel('Internal email domains');
    await domains.fill('e2e.test\nnot a domain');
    await page.getByRole('button', { name: 'Save organisation settings' }).click();
    await page.getByText('“not” is not a domain name, such as acme.com.').waitFor();
    await domains.fill('e2e.test, @Corp.E2E.test');
    await page.getByRole('button', { name: 'Save organisation settings' }).click();
    await page.getByText('Organisation settings saved.').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
    const token = await login(server, admin.email, admin.password);
    const org = await api(server, token, 'GET', '/settings');
    assert.deepEqual(org.internal_domains, ['e2e.test', 'corp.e2e.test']);
    await context.close();
  });
});
