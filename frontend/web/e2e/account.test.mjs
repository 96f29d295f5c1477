// Accounts in a real browser against a real server: an admin disables a
// rep (whose open session ends at once) and enables them again; the rep
// changes their password, signs out and in with the new one, and resets a
// forgotten one by the emailed link; the admin reads all of it in the audit
// log, filtered and as CSV.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { admin, api, launchBrowser, login, screenshotDir, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
const rep = { email: 'rosa@e2e.test', name: 'Rosa Rep', role: 'rep', password: 'rosa-password-1' };
const changed = 'rosa-password-2';
const reset = 'rosa-password-3';
const desktop = { width: 1360, height: 860 };
const phone = { width: 390, height: 844 };

describe('accounts', { skip: skip ?? false, timeout: 240_000 }, () => {
  let server;
  let browser;
  let shots;

  const shot = async (page, name) => {
    if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };

  /** status answers the HTTP status of GET /me with token. */
  const status = async (token) =>
    (await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status;

  /** sessionToken is the token the web app keeps for the page's session. */
  const sessionToken = async (page) =>
    page.evaluate(() => JSON.parse(localStorage.getItem('stagecraft.session') ?? 'null')?.token ?? null);

  async function signIn(page, email, password) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signedIn(context, user, password = user.password) {
    const page = await context.newPage();
    await signIn(page, user.email, password);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  }

  /** noSideScroll fails when the page is wider than the screen (tables
   * may scroll inside their own box). */
  async function noSideScroll(page, what) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${what}: no horizontal scrolling of the page (overflow ${overflow}px)`);
  }

  before(async () => {
    // The reset link is logged at info while mail is off.
    server = await startServer({ env: { LOG_LEVEL: 'info' } });
    const token = await login(server, admin.email, admin.password);
    await api(server, token, 'POST', '/users', rep);
    browser = await launchBrowser();
    shots = screenshotDir();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      if (process.exitCode) console.error(server.logs.join(''));
      await server.stop();
    }
  });

  test('an admin disables a rep, whose open session ends at once, and enables them again', async () => {
    const repContext = await browser.newContext({ viewport: desktop });
    const repPage = await signedIn(repContext, rep);
    const repToken = await sessionToken(repPage);
    assert.equal(await status(repToken), 200);

    const adminContext = await browser.newContext({ viewport: desktop });
    const page = await signedIn(adminContext, admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    const row = page.getByRole('row').filter({ hasText: rep.email });
    await row.getByText('Active').waitFor();
    page.once('dialog', (d) => {
      assert.match(d.message(), /^Disable rosa@e2e\.test\?/);
      d.accept();
    });
    await row.getByRole('button', { name: `Disable ${rep.email}` }).click();
    await row.getByText('Disabled').waitFor();
    await page.getByText(/is disabled and signed out everywhere/).waitFor();
    assert.equal(await status(repToken), 401, 'the disabled rep’s session is refused');

    // The rep's open page notices at its next request and signs out.
    await repPage.reload();
    await repPage.waitForURL('**/login');
    await repPage.getByText('Your session ended. Sign in again to continue.').waitFor();
    await signIn(repPage, rep.email, rep.password);
    await repPage.getByRole('alert').waitFor();
    assert.match(new URL(repPage.url()).pathname, /^\/login$/, 'a disabled user cannot sign in');

    // The last admin cannot disable themselves: the refusal shows on the page.
    const own = page.getByRole('row').filter({ hasText: admin.email });
    page.once('dialog', (d) => d.accept());
    await own.getByRole('button', { name: `Disable ${admin.email}` }).click();
    await page.getByRole('alert').filter({ hasText: `Could not change ${admin.email}` }).waitFor();
    await own.getByText('Active').waitFor();
    await shot(page, 'admin-users');

    await row.getByRole('button', { name: `Enable ${rep.email}` }).click();
    await row.getByText('Active').waitFor();
    assert.equal(await status(repToken), 401, 'enabling does not revive old sessions');
    await signIn(repPage, rep.email, rep.password);
    await repPage.getByRole('navigation', { name: 'Main' }).waitFor();

    const small = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
    const phonePage = await signedIn(small, admin);
    await phonePage.goto(`${server.url}/admin`);
    await phonePage.getByRole('row').filter({ hasText: rep.email }).waitFor();
    await shot(phonePage, 'admin-users-phone');
    await noSideScroll(phonePage, 'users on a phone');
    await Promise.all([repContext.close(), adminContext.close(), small.close()]);
  });

  test('a rep changes their password, signs out, and signs in with the new one', async () => {
    const other = await login(server, rep.email, rep.password);
    const context = await browser.newContext({ viewport: desktop });
    const page = await signedIn(context, rep);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: /password/ }).click();

    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill(changed);
    await page.getByLabel('Confirm new password').fill(changed);
    await page.getByRole('button', { name: 'Change password' }).click();
    const current = page.getByLabel('Current password');
    await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await current.elementHandle());

    await current.fill(rep.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Password changed/).waitFor();
    assert.equal(await status(other), 401, 'the rep’s other sessions end');
    const token = await sessionToken(page);
    assert.equal(await status(token), 200, 'this session stays signed in');

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    assert.equal(await sessionToken(page), null);
    assert.equal(await status(token), 401, 'signing out ends the session on the server');

    await signIn(page, rep.email, rep.password);
    await page.getByRole('alert').waitFor();
    await signIn(page, rep.email, changed);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await context.close();
  });

  test('a forgotten password is reset by the emailed link, which works once', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(rep.email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('If an account exists for that address, we’ve sent a link').waitFor();

    let link;
    for (let i = 0; i < 50 && !link; i++) {
      link = server.logs.join('').match(/reset_link=("?)(\S+?)\1(\s|$)/)?.[2];
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'the server logs the reset link while mail is off');
    assert.ok(link.startsWith(`${server.url}/reset-password?token=`), link);

    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(reset);
    await page.getByLabel('Confirm new password').fill(reset);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(rep.email);
    await page.getByLabel('Password').fill(reset);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    const again = await browser.newContext({ viewport: desktop });
    const second = await again.newPage();
    await second.goto(link);
    await second.getByLabel('New password', { exact: true }).fill('rosa-password-4');
    await second.getByLabel('Confirm new password').fill('rosa-password-4');
    await second.getByRole('button', { name: 'Set new password' }).click();
    await second.getByText(/already used or has expired/).waitFor();
    await second.getByRole('link', { name: 'Request a new link' }).waitFor();
    await Promise.all([context.close(), again.close()]);
  });

  test('the admin reads the audit log, filters it and downloads it', async () => {
    const context = await browser.newContext({ viewport: desktop });
    const page = await signedIn(context, admin);
    await page.goto(`${server.url}/admin`);
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit entries' });
    await table.waitFor();
    for (const action of ['user.disabled', 'user.enabled', 'auth.password_changed', 'auth.password_reset']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    await shot(page, 'admin-audit');

    await page.getByLabel('Action').selectOption('auth.password_changed');
    await page.waitForURL(/action=auth\.password_changed/);
    await page.waitForFunction(() => {
      const codes = [...document.querySelectorAll('table[aria-label="Audit entries"] tbody tr code.faint')].map((c) => c.textContent);
      return codes.length > 0 && codes.every((c) => c === 'auth.password_changed');
    });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /rosa@e2e\.test/);

    // The filters are in the address: a reload keeps them.
    await page.reload();
    await table.locator('tbody tr').first().waitFor();
    assert.equal(await page.getByLabel('Action').inputValue(), 'auth.password_changed');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'at,actor_email,action,target_type,target_id,ip,details');
    assert.equal(csv.length, 2, csv.join('\n'));
    assert.match(csv[1], /,rosa@e2e\.test,auth\.password_changed,user,/);

    await page.getByLabel('Action').selectOption('user.disabled');
    await page.waitForURL(/action=user\.disabled/);
    await table.locator('tbody tr').filter({ hasText: admin.email }).first().waitFor();

    const small = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });
    const phonePage = await signedIn(small, admin);
    await phonePage.goto(`${server.url}/admin?tab=audit`);
    await phonePage.getByRole('table', { name: 'Audit entries' }).waitFor();
    await shot(phonePage, 'admin-audit-phone');
    await noSideScroll(phonePage, 'audit log on a phone');
    await Promise.all([context.close(), small.close()]);
  });
});
