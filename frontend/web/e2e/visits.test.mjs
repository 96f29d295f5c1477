// Link protection, visits and notifications in a real browser against a
// real server: a rep shares a PDF with an email gate and a passcode, a
// prospect gets in and reads two of its three pages, the rep's bell shows
// the visit, and the link's page shows it page by page (the unread page as
// skipped); the rep then changes the link's settings on that page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { admin, api, humanUserAgent, launchBrowser, login, screenshotDir, skipReason, startServer, uploadAsset } from './harness.mjs';
import { makePDF } from './pdf.mjs';

const skip = skipReason();
const rep = { email: 'rosa@e2e.test', name: 'Rosa Rep', role: 'rep', password: 'rosa-password-1' };
const title = 'Data residency brief';
const passcode = 'north-42';

/** waitFor polls until check returns a value, or fails after ms. */
async function waitFor(what, check, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** shot saves a screenshot when SCREENSHOT_DIR is set. */
async function shot(page, name) {
  const dir = screenshotDir();
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`) });
}

describe('links, visits and the bell', { skip: skip ?? false, timeout: 300_000 }, () => {
  let server;
  let browser;
  let asset;
  let link;
  let repToken;

  before(async () => {
    server = await startServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    const token = await login(server, admin.email, admin.password);
    await api(server, token, 'POST', '/users', rep);
    await api(server, token, 'PUT', '/deals/E2E-V1', {
      name: 'Fabrikam data platform', account: 'Fabrikam', amount: 50000, stage: 'evaluation', owner_email: rep.email,
    });
    asset = await uploadAsset(server, token, 'residency.pdf', makePDF(title, [
      [title, 'Where your data lives, and who can reach it.'],
      ['Regions', 'EU, US and APAC regions, chosen per workspace.'],
      ['Keys', 'Customer-managed keys in every region.'],
    ]), 'application/pdf', { title });
    repToken = await login(server, rep.email, rep.password);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      if (process.exitCode) console.error(server.logs.join(''));
      await server.stop();
    }
  });

  async function signIn(context, user, path = '/') {
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    if (path !== '/') await page.goto(server.url + path);
    return page;
  }

  test('the share dialog protects the link as chosen', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await signIn(context, rep, `/assets/${asset.id}`);
    await page.getByRole('button', { name: 'Copy tracked link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy tracked link' });
    await dialog.getByLabel('Deal', { exact: true }).selectOption({ label: 'Fabrikam data platform — Fabrikam' });
    await dialog.getByLabel('Recipient email (optional)').fill('cto@fabrikam.example');
    await dialog.getByLabel('Require email to view').check();
    await dialog.getByLabel('Protect with a passcode').check();
    // Too short a passcode is refused in the dialog, before any link exists.
    await dialog.getByLabel('Passcode', { exact: true }).fill('abc');
    await dialog.getByRole('button', { name: 'Create and copy link' }).click();
    await dialog.getByText('A passcode has at least 4 characters.').waitFor();
    await dialog.getByLabel('Passcode', { exact: true }).fill(passcode);
    await dialog.getByLabel('Allow downloads').uncheck();
    await shot(page, 'share-options');
    assert.ok(await dialog.getByLabel('Notify me when opened').isChecked(), 'alerts are on by default');
    await dialog.getByRole('button', { name: 'Create and copy link' }).click();
    const url = await dialog.getByLabel('Tracked link').inputValue();
    assert.match(url, new RegExp(`^${server.url}/l/`));
    await dialog.getByText(/Send the passcode to the recipient separately/).waitFor();
    await context.close();

    const links = await api(server, repToken, 'GET', `/links?asset_id=${asset.id}`);
    link = links.items.find((l) => l.url === url);
    assert.ok(link, 'the link is listed');
    assert.equal(link.require_email, true);
    assert.equal(link.has_passcode, true);
    assert.equal(link.allow_download, false);
    assert.equal(link.notify, true);
    assert.equal(link.passcode, undefined, 'the passcode itself is never shown');
  });

  test('a prospect gets in with email and passcode and reads pages 1 and 3', async () => {
    const context = await browser.newContext({ userAgent: humanUserAgent, viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(link.url);
    await page.locator('input[type="email"]').fill('cto@fabrikam.example');
    await page.locator('input[type="password"]').fill(passcode);
    await page.locator('input[type="password"]').press('Enter');
    await page.locator('[data-page="1"]').first().waitFor({ timeout: 20_000 });
    // The viewer reports the time read on each page: a while on page 1,
    // straight past page 2, a while on page 3 (the time report comes at
    // least every 10 s).
    await page.mouse.move(200, 200);
    await page.waitForTimeout(6_000);
    await page.evaluate(() => document.getElementById('page-3').scrollIntoView({ behavior: 'instant', block: 'start' }));
    for (let i = 0; i < 12; i++) {
      await page.mouse.move(200 + i, 220);
      await page.waitForTimeout(1_000);
    }
    await context.close();
  });

  test('the bell shows the visit and opens it on the link page, page by page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, rep);
    // A visit notifies within 60 s; the bell polls every 30 s and on focus.
    await waitFor('the bell to count the visit', async () => {
      const label = await page.getByRole('button', { name: /^Notifications,/ }).getAttribute('aria-label');
      if (label === 'Notifications, 1 unread') return true;
      await page.reload();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      return false;
    });
    const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.click();
    const popover = page.getByRole('dialog', { name: 'Notifications' });
    await popover.waitFor();
    await shot(page, 'bell');
    // Escape closes it and gives focus back to the bell.
    await page.keyboard.press('Escape');
    await popover.waitFor({ state: 'detached' });
    assert.equal(await bell.evaluate((b) => b === document.activeElement), true);
    await bell.click();
    await popover.getByRole('button', { name: /unread/ }).first().click();
    await page.waitForURL(new RegExp(`/links/${link.id}\\?visit=`));
    const visit = page.getByRole('listitem', { name: 'Visit by cto@fabrikam.example' });
    await visit.waitFor();
    assert.equal(await visit.getAttribute('aria-current'), 'true');
    const bars = visit.getByRole('list', { name: /Seconds per page/ });
    assert.match(await bars.textContent(), /Page 2: skipped/);
    assert.doesNotMatch(await bars.textContent(), /Page 1: skipped/);
    assert.doesNotMatch(await bars.textContent(), /Page 3: skipped/);
    await page.getByRole('button', { name: 'Notifications, none unread' }).waitFor();
    await shot(page, 'link-visits');

    // The same options can be changed later, on the link's page.
    await page.getByLabel('Notify me when opened').uncheck();
    await page.getByLabel('Protect with a passcode').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Link settings saved.').waitFor();
    const saved = await api(server, repToken, 'GET', `/links/${link.id}`);
    assert.equal(saved.notify, false);
    assert.equal(saved.has_passcode, false);
    assert.equal(saved.require_email, true);
    await context.close();
  });

  test("the asset's analytics show attention per page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, admin, `/assets/${asset.id}`);
    const reach = page.getByRole('list', { name: 'Reach per page' });
    await reach.waitFor({ timeout: 20_000 });
    await reach.scrollIntoViewIfNeeded();
    await shot(page, 'attention');
    const text = await reach.textContent();
    assert.match(text, /Page 1: 100% reached/);
    assert.match(text, /Page 2: skipped/);
    assert.match(text, /Page 3: 100% reached/);
    await context.close();
  });

  test('on a phone the link page and the bell fit the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, rep, `/links/${link.id}`);
    await page.getByRole('listitem', { name: 'Visit by cto@fabrikam.example' }).waitFor();
    await shot(page, 'link-visits-phone');
    await page.getByRole('button', { name: /^Notifications,/ }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
    await shot(page, 'bell-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
    await page.keyboard.press('Escape');

    // The share dialog's options fit a phone, its button in reach.
    await page.goto(`${server.url}/assets/${asset.id}`);
    await page.getByRole('button', { name: 'Copy tracked link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy tracked link' });
    await dialog.getByLabel('Protect with a passcode').check();
    const wide = await dialog.evaluate((d) => d.scrollWidth - d.clientWidth);
    assert.ok(wide <= 1, `the dialog does not scroll sideways (${wide}px)`);
    const create = dialog.getByRole('button', { name: 'Create and copy link' });
    await create.scrollIntoViewIfNeeded();
    assert.ok(await create.isVisible());
    await shot(page, 'share-options-phone');
    await context.close();
  });
});
