// The whole loop in a real browser against a real server: a marketer
// uploads a PDF, it becomes searchable, a rep finds it by stage and word and
// copies a tracked link for a deal, a prospect opens the link, and the
// marketer's analytics show the open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { admin, api, humanUserAgent, launchBrowser, login, screenshotDir, skipReason, startServer } from './harness.mjs';
import { makePDF } from './pdf.mjs';

const skip = skipReason();
const marketer = { email: 'mia@e2e.test', name: 'Mia Marketer', role: 'marketer', password: 'mia-password-1' };
const rep = { email: 'raj@e2e.test', name: 'Raj Rep', role: 'rep', password: 'raj-password-1' };
const title = 'Zero trust security guide';

describe('web app', { skip: skip ?? false, timeout: 240_000 }, () => {
  let server;
  let browser;
  let shots;
  let pdfPath;
  let linkURL;
  let assetID;

  const shot = async (page, name) => {
    if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  };

  before(async () => {
    server = await startServer();
    const token = await login(server, admin.email, admin.password);
    await api(server, token, 'POST', '/users', marketer);
    await api(server, token, 'POST', '/users', rep);
    await api(server, token, 'PUT', '/deals/E2E-1', {
      name: 'Northwind security rollout', account: 'Northwind Traders', amount: 84000, currency: 'USD',
      stage: 'evaluation', personas: ['technical_buyer'], owner_email: rep.email,
    });
    await api(server, token, 'PUT', '/deals/E2E-2', {
      name: 'Contoso renewal', account: 'Contoso', amount: 12000, stage: 'proposal', owner_email: rep.email,
    });
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-e2e-files-'));
    pdfPath = join(dir, 'zero-trust-guide.pdf');
    writeFileSync(pdfPath, makePDF(title, [
      [title, 'Quantum-safe encryption for regulated buyers.', 'How our platform keeps keys in your own HSM.'],
      ['Audit and compliance', 'Every access is written to a tamper-evident audit log.'],
    ]));
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

  async function signIn(context, user) {
    const page = await context.newPage();
    await page.goto(`${server.url}/library`);
    // A deep link without a session goes to the sign-in page and back.
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  }

  test('the app is served at deep links', async () => {
    for (const path of ['/', '/search?q=x', '/library', '/analytics', '/assets/00000000-0000-0000-0000-000000000000']) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 200, path);
      assert.match(await r.text(), /<div id="root">/, path);
    }
    const r = await fetch(`${server.url}/api/v1/nope`);
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error.code, 'not_found');
  });

  test('a wrong password shows an error on the sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await shot(page, 'login');
    await page.getByLabel('Email').fill(rep.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /password/i);
    await context.close();
  });

  test('a marketer uploads a PDF tagged for a stage and it is indexed', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await signIn(context, marketer);
    await page.waitForURL('**/library');
    // Tag the batch for the evaluation stage and the technical buyer.
    await page.getByLabel('Stages for new uploads').first().click();
    await page.getByRole('group', { name: 'Stages for new uploads' }).getByLabel('Evaluation').check();
    await page.getByLabel('Stages for new uploads').first().click();
    await page.getByLabel('Personas for new uploads').first().click();
    await page.getByRole('group', { name: 'Personas for new uploads' }).getByLabel('Technical buyer').check();
    await page.getByLabel('Personas for new uploads').first().click();
    await page.getByLabel('Choose files to upload').setInputFiles(pdfPath);
    await page.getByText('Uploaded', { exact: true }).waitFor({ timeout: 30_000 });
    const row = page.locator('tr', { hasText: title });
    await row.getByText('Indexed').waitFor({ timeout: 30_000 });
    assetID = await row.getAttribute('data-asset-id');
    assert.ok(assetID, 'the row carries the asset id');
    assert.match(await row.textContent(), /Evaluation/);
    assert.match(await row.textContent(), /Technical buyer/);
    await shot(page, 'library');
    await context.close();
  });

  test('a rep finds it by stage and a misspelt word, and copies a tracked link for the deal', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await signIn(context, rep);
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('button', { name: /Northwind security rollout/ }).click();
    // Recommendations for the deal's stage and persona include the guide.
    await page.getByRole('article', { name: title }).waitFor();
    await shot(page, 'home');
    await page.getByLabel('Search collateral for Northwind security rollout').fill('encrpytion');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/search\?/);
    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.getAll('stage'), ['evaluation']);
    assert.deepEqual(url.searchParams.getAll('persona'), ['technical_buyer']);
    const hit = page.getByRole('article', { name: title });
    await hit.waitFor();
    assert.equal(await hit.locator('mark').first().textContent(), 'encryption');
    assert.ok(await page.getByRole('checkbox', { name: /Evaluation/ }).isChecked());
    await shot(page, 'search');

    await hit.getByRole('button', { name: 'Copy tracked link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy tracked link' });
    assert.equal(await dialog.getByRole('combobox').inputValue() !== '', true, 'the deal is chosen already');
    await dialog.getByLabel('Recipient email (optional)').fill('cio@northwind.example');
    await dialog.getByRole('button', { name: 'Create and copy link' }).click();
    const input = dialog.getByLabel('Tracked link');
    await input.waitFor();
    linkURL = await input.inputValue();
    assert.match(linkURL, new RegExp(`^${server.url}/l/[A-Za-z0-9_-]{43}$`));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), linkURL);
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The asset page previews the PDF's pages in the browser.
    await hit.getByRole('link', { name: 'Preview' }).click();
    await page.locator('canvas[data-page="1"]').waitFor({ timeout: 20_000 });
    await shot(page, 'asset-rep');
    await context.close();

    // The link exists in the API, on the deal, for the asset.
    const token = await login(server, rep.email, rep.password);
    const links = await api(server, token, 'GET', `/links?asset_id=${assetID}`);
    assert.equal(links.items.length, 1);
    assert.equal(links.items[0].url, linkURL);
    assert.equal(links.items[0].recipient_email, 'cio@northwind.example');
    const deals = await api(server, token, 'GET', '/deals?owner=me&status=open');
    const deal = deals.items.find((d) => d.external_id === 'E2E-1');
    assert.equal(links.items[0].deal_id, deal.id);
  });

  test('an anonymous prospect opens the link', async () => {
    const context = await browser.newContext({ userAgent: humanUserAgent });
    const page = await context.newPage();
    const res = await page.goto(linkURL);
    assert.equal(res.status(), 200);
    await page.getByText(title).first().waitFor();
    await shot(page, 'viewer');
    await context.close();
  });

  test("the marketer's analytics show the open", async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await signIn(context, marketer);
    await page.getByRole('link', { name: 'Analytics' }).click();
    const row = page.getByRole('table', { name: 'Scorecard' }).locator('tr', { hasText: title });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // Columns: asset, uses, reps, deals, closed, win rate, baseline, lift, revenue, opens, last used.
    assert.equal(cells[9], '1', `one prospect open in ${JSON.stringify(cells)}`);
    assert.ok(Number(cells[1]) >= 2, 'the rep’s view and share count as uses');
    assert.equal(cells[3], '1', 'one deal influenced');
    await shot(page, 'analytics');

    await row.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: 'Performance' }).waitFor();
    await page.locator('canvas[data-page="1"]').waitFor({ timeout: 20_000 });
    await shot(page, 'asset');
    await context.close();
  });

  test('admin pages and API tokens work', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await signIn(context, { email: admin.email, password: admin.password });
    await page.getByRole('link', { name: 'Admin' }).click();
    const roleOfRep = page.getByLabel(`Role of ${rep.email}`);
    await roleOfRep.waitFor();
    await shot(page, 'admin');
    await roleOfRep.selectOption('marketer');
    await page.getByText(/is now marketer/).waitFor();
    const token = await login(server, admin.email, admin.password);
    const users = await api(server, token, 'GET', '/users');
    assert.equal(users.items.find((u) => u.email === rep.email).role, 'marketer');
    await roleOfRep.selectOption('rep');
    await page.getByText(/is now sales rep/).waitFor();

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: /API tokens/ }).click();
    await page.getByLabel('Name').fill('Browser extension');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('New API token').inputValue();
    assert.match(secret, /^sc_/);
    const me = await api(server, secret, 'GET', '/me');
    assert.equal(me.email, admin.email);
    await shot(page, 'settings');
    await context.close();
  });

  test('a phone-sized screen can search', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signIn(context, rep);
    await page.goto(`${server.url}/search?q=audit`);
    await page.getByRole('article', { name: title }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
    await shot(page, 'search-phone');
    await context.close();
  });
});
