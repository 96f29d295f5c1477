// Accessibility of the main pages, the prospect viewer and its gate, in a
// real browser with the demo organisation's data: axe-core finds no
// serious or critical WCAG 2.1 AA violation, in light and dark mode, on
// a desktop and a phone. Keyboard use of tabs and dialogs is checked too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, humanUserAgent, launchBrowser, login, openSession, skipReason, startServer } from './harness.mjs';
import { checkA11y } from './axe.mjs';

const skip = skipReason();
const password = 'stagecraft-demo';
const desktop = { width: 1360, height: 860 };
const phone = { width: 390, height: 844 };

describe('accessibility', { skip: skip ?? false, timeout: 600_000 }, () => {
  let server;
  let browser;
  let assetID;
  let links;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const token = await login(server, 'rep@demo.stagecraft.dev', password);
    const assets = await api(server, token, 'GET', '/assets?limit=100');
    const pdf = assets.items.find((a) => a.current_version.content_type === 'application/pdf');
    assert.ok(pdf, 'the demo library has a PDF');
    assetID = pdf.id;
    links = {
      open: await api(server, token, 'POST', '/links', { asset_id: pdf.id }),
      gated: await api(server, token, 'POST', '/links', { asset_id: pdf.id, require_email: true, passcode: 'open-sesame' }),
    };
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const session = (email, colorScheme, viewport = desktop) => openSession(browser, server, { email, password }, { viewport, colorScheme });

  /** visit opens path and waits for what shows the page is drawn. */
  const visit = async (page, path, ready) => {
    await page.goto(`${server.url}${path}`);
    await ready(page).first().waitFor();
    await page.waitForLoadState('networkidle');
  };

  for (const colorScheme of ['light', 'dark']) {
    test(`the main pages, ${colorScheme}`, async () => {
      const login = await (await browser.newContext({ viewport: desktop, colorScheme })).newPage();
      await login.goto(`${server.url}/login`);
      await login.getByLabel('Email').waitFor();
      await checkA11y(login, `login (${colorScheme})`);
      await login.context().close();

      const rep = await session('rep@demo.stagecraft.dev', colorScheme);
      await visit(rep, '/', (p) => p.getByRole('heading', { level: 1 }));
      await checkA11y(rep, `home (${colorScheme})`);
      await visit(rep, '/search?q=security', (p) => p.getByRole('article'));
      await checkA11y(rep, `search (${colorScheme})`);
      await visit(rep, '/links', (p) => p.getByRole('heading', { level: 1 }));
      await checkA11y(rep, `links (${colorScheme})`);
      await visit(rep, `/links/${links.open.id}`, (p) => p.getByRole('heading', { level: 1 }));
      await checkA11y(rep, `link page (${colorScheme})`);
      await visit(rep, '/settings', (p) => p.getByRole('heading', { level: 1 }));
      await checkA11y(rep, `settings (${colorScheme})`);
      await rep.context().close();

      const mk = await session('marketer@demo.stagecraft.dev', colorScheme);
      await visit(mk, '/library', (p) => p.locator('tr[data-asset-id]'));
      await checkA11y(mk, `library (${colorScheme})`);
      await visit(mk, `/assets/${assetID}`, (p) => p.getByRole('heading', { name: 'Performance' }));
      await checkA11y(mk, `asset (${colorScheme})`);
      await visit(mk, '/analytics', (p) => p.getByRole('table', { name: 'Scorecard' }));
      await checkA11y(mk, `analytics (${colorScheme})`);
      // The page and its charts take the scheme's colours.
      assert.equal(await mk.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
        colorScheme === 'dark' ? 'rgb(15, 19, 26)' : 'rgb(246, 247, 249)');
      await mk.locator('path[fill="var(--chart-1)"]').first().waitFor();
      assert.equal(await mk.locator('path[fill="var(--chart-1)"]').first().evaluate((el) => getComputedStyle(el).fill),
        colorScheme === 'dark' ? 'rgb(129, 140, 248)' : 'rgb(67, 56, 202)');
      // The notifications popover and a dialog, open.
      await mk.getByRole('button', { name: /notifications/i }).click();
      await mk.getByRole('dialog', { name: 'Notifications' }).waitFor();
      await checkA11y(mk, `notifications (${colorScheme})`);
      await mk.keyboard.press('Escape');
      await mk.context().close();

      const admin = await session('admin@demo.stagecraft.dev', colorScheme);
      for (const tab of ['', '?tab=tokens', '?tab=audit', '?tab=taxonomy', '?tab=organisation']) {
        await visit(admin, `/admin${tab}`, (p) => p.getByRole('tabpanel'));
        await checkA11y(admin, `admin${tab} (${colorScheme})`);
      }
      await admin.context().close();
    });

    test(`the viewer and its gate, ${colorScheme}`, async () => {
      for (const viewport of [desktop, phone]) {
        const context = await browser.newContext({ viewport, colorScheme, userAgent: humanUserAgent });
        const page = await context.newPage();
        await page.goto(links.open.url.replace(/^https?:\/\/[^/]+/, server.url));
        await page.locator('[data-page="1"]').waitFor();
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `viewer ${viewport.width}px (${colorScheme})`);
        assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
          colorScheme === 'dark' ? 'rgb(15, 19, 26)' : 'rgb(242, 244, 247)');
        await page.goto(links.gated.url.replace(/^https?:\/\/[^/]+/, server.url));
        await page.locator('input[type="email"]').waitFor();
        await checkA11y(page, `viewer gate ${viewport.width}px (${colorScheme})`);
        await context.close();
      }
    });
  }

  test('phone-sized pages', async () => {
    const mk = await session('marketer@demo.stagecraft.dev', 'light', phone);
    await visit(mk, '/library', (p) => p.locator('tr[data-asset-id]'));
    await checkA11y(mk, 'library on a phone');
    await visit(mk, `/assets/${assetID}`, (p) => p.getByRole('heading', { name: 'Performance' }));
    await checkA11y(mk, 'asset on a phone');
    await mk.context().close();
  });

  test('tabs and dialogs work from the keyboard', async () => {
    const admin = await session('admin@demo.stagecraft.dev', 'light');
    await visit(admin, '/admin', (p) => p.getByRole('tabpanel'));
    await admin.getByRole('tab', { name: 'Users and roles' }).focus();
    await admin.keyboard.press('ArrowRight');
    const tokens = admin.getByRole('tab', { name: 'API tokens', selected: true });
    await tokens.waitFor();
    assert.ok(await tokens.evaluate((el) => el === document.activeElement), 'the selected tab has focus');
    assert.match(admin.url(), /tab=tokens/);
    await admin.keyboard.press('End');
    await admin.getByRole('tab', { selected: true }).and(admin.getByRole('tab').last()).waitFor();
    const panel = admin.getByRole('tabpanel');
    assert.equal(await panel.getAttribute('aria-labelledby'), await admin.getByRole('tab').last().getAttribute('id'));
    await admin.context().close();

    // A dialog keeps Tab inside and gives focus back to what opened it.
    const rep = await session('rep@demo.stagecraft.dev', 'light');
    await visit(rep, '/search?q=security', (p) => p.getByRole('article'));
    const share = rep.getByRole('article').first().getByRole('button', { name: /copy tracked link/i }).first();
    await share.click();
    const dialog = rep.getByRole('dialog');
    await dialog.waitFor();
    for (let i = 0; i < 12; i++) {
      await rep.keyboard.press('Tab');
      assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus stays in the dialog after ${i + 1} Tab presses`);
    }
    await rep.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await share.evaluate((el) => el === document.activeElement), 'focus is back on the button that opened the dialog');

    // The account menu: focus moves in, arrows move between items, Escape gives focus back.
    const menuButton = rep.getByRole('button', { name: 'Account menu' });
    await menuButton.focus();
    await rep.keyboard.press('Enter');
    const menu = rep.getByRole('menu', { name: 'Account' });
    await menu.waitFor();
    await checkA11y(rep, 'account menu');
    const focused = () => rep.evaluate(() => document.activeElement?.textContent?.trim());
    assert.match(await focused(), /password/);
    await rep.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Sign out');
    await rep.keyboard.press('ArrowDown');
    assert.match(await focused(), /password/, 'the arrows wrap');
    await rep.keyboard.press('End');
    assert.equal(await focused(), 'Sign out');
    await rep.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.ok(await menuButton.evaluate((el) => el === document.activeElement), 'focus is back on the menu button');
    await rep.context().close();
  });
});
