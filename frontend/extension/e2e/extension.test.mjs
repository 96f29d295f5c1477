// The extension in Debian's chromium against a real Stagecraft server and
// local pages that reproduce Gmail's and Outlook's compose windows: connect
// it, insert a tracked link for a deal at the caret, and check the link in
// the API and that it opens the asset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { admin, api, browserArgs, chromiumType, humanUserAgent, login, skipReason, startServer } from '../../web/e2e/harness.mjs';
import { makePDF } from '../../web/e2e/pdf.mjs';
import { checkA11y } from '../../web/e2e/axe.mjs';
import { build } from '../scripts/build.mjs';
import { gmail, outlook } from '../test/fixtures.js';

const skip = skipReason();
const rep = { email: 'raj@e2e.test', name: 'Raj Rep', role: 'rep', password: 'raj-password-1' };
const marketer = { email: 'mia@e2e.test', name: 'Mia Marketer', role: 'marketer', password: 'mia-password-1' };
const title = 'Zero trust security guide';

function page(html) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Inbox</title></head><body>${html}</body></html>`;
}

async function uploadAsset(server, token) {
  const form = new FormData();
  form.append('stages', 'evaluation');
  form.append('personas', 'technical_buyer');
  form.append('file', new Blob([makePDF(title, [[title, 'Quantum-safe encryption for regulated buyers.']])],
    { type: 'application/pdf' }), 'zero-trust.pdf');
  const r = await fetch(`${server.url}/api/v1/assets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(r.status, 201, await r.clone().text());
  const asset = await r.json();
  for (let i = 0; i < 100; i++) {
    const a = await api(server, token, 'GET', `/assets/${asset.id}`);
    if (a.index_status !== 'pending') return a;
    await sleep(200);
  }
  throw new Error('the asset was not indexed in 20 s');
}

describe('browser extension', { skip: skip ?? false, timeout: 240_000 }, () => {
  let server;
  let fixtures;
  let fixtureURL;
  let context;
  let extensionID;
  let worker;
  let repJWT;
  let token;
  let tokenID;
  let deal;
  let extDir;
  let profile;

  before(async () => {
    server = await startServer();
    const adminJWT = await login(server, admin.email, admin.password);
    await api(server, adminJWT, 'POST', '/users', rep);
    await api(server, adminJWT, 'POST', '/users', marketer);
    deal = (await api(server, adminJWT, 'PUT', '/deals/EXT-1', {
      name: 'Northwind security rollout', account: 'Northwind Traders', stage: 'evaluation',
      personas: ['technical_buyer'], owner_email: rep.email,
    }));
    await uploadAsset(server, await login(server, marketer.email, marketer.password));
    repJWT = await login(server, rep.email, rep.password);
    const t = await api(server, repJWT, 'POST', '/api-tokens', { name: 'extension test' });
    token = t.token;
    tokenID = t.id;

    fixtures = createServer((req, res) => {
      const body = { '/gmail': gmail, '/outlook': outlook }[req.url];
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(body ? page(body) : 'not found');
    });
    await new Promise((r) => { fixtures.listen(0, '127.0.0.1', r); });
    fixtureURL = `http://127.0.0.1:${fixtures.address().port}`;

    // The store build, plus 127.0.0.1 standing in for the mail hosts. The
    // test build is granted that host up front: Playwright cannot click
    // Chrome's permission prompt, and a permission already held is granted
    // by chrome.permissions.request without one.
    extDir = mkdtempSync(join(tmpdir(), 'stagecraft-ext-'));
    build('chrome', extDir, { extraOrigins: ['http://127.0.0.1/*'] });
    profile = mkdtempSync(join(tmpdir(), 'stagecraft-ext-profile-'));
    context = await (await chromiumType()).launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: [...browserArgs, `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`],
    });
    worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
    extensionID = new URL(worker.url()).host;
  });

  after(async () => {
    await context?.close();
    fixtures?.close();
    if (server) await server.stop();
    for (const d of [extDir, profile]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const extPage = async (file) => {
    const p = await context.newPage();
    await p.goto(`chrome-extension://${extensionID}/${file}`);
    return p;
  };

  test('the first install opens the options', async () => {
    const deadline = Date.now() + 5000;
    while (!context.pages().some((p) => p.url().endsWith('/options.html')) && Date.now() < deadline) {
      await sleep(100);
    }
    assert.ok(context.pages().some((p) => p.url() === `chrome-extension://${extensionID}/options.html`));
  });

  test('options check the server and the token, and show who is signed in', async () => {
    const p = await extPage('options.html');
    await p.getByLabel('Stagecraft server').fill(server.url);
    await p.getByLabel('Personal API token').fill('not-a-token');
    await p.getByRole('button', { name: 'Save and test' }).click();
    assert.match(await p.getByRole('alert').textContent(), /not a Stagecraft API token/);

    await p.getByLabel('Personal API token').fill('sc_' + 'x'.repeat(40));
    await p.getByRole('button', { name: 'Save and test' }).click();
    await p.getByText(/not accepted/).waitFor();

    await p.getByLabel('Personal API token').fill(token);
    await p.getByRole('button', { name: 'Save and test' }).click();
    await p.getByText(`Signed in as ${rep.name} (${rep.email}, sales rep)`).waitFor();
    const stored = await worker.evaluate(() => chrome.storage.local.get(['server', 'token']));
    assert.deepEqual(stored, { server: server.url, token });
    // Reopened, it checks the stored token again.
    await p.reload();
    await p.getByText(`Signed in as ${rep.name}`).waitFor();
    await p.close();
  });

  async function insertFrom(fixture, { typed, recipient }) {
    const p = await context.newPage();
    await p.goto(`${fixtureURL}/${fixture}`);
    const body = p.locator('[contenteditable="true"][aria-label^="Message" i]');
    const button = p.locator('[data-stagecraft-button]');
    await button.waitFor();
    // Put the caret at the end of the first line and type there.
    await body.locator('div').first().click();
    await p.keyboard.press('End');
    await p.keyboard.type(typed);
    await button.click();
    const panel = p.frameLocator('iframe[data-stagecraft-panel]');
    await panel.getByLabel(/^Deal/).selectOption({ label: 'Northwind security rollout — Northwind Traders' });
    assert.equal(await panel.getByLabel('Recipient').inputValue(), recipient);
    // The deal's stage and persona are applied, and can be changed.
    assert.equal(await panel.getByRole('group', { name: 'Stages' }).getByRole('button', { name: 'Evaluation' }).getAttribute('aria-pressed'), 'true');
    await panel.getByLabel('Search').fill('encrpytion');
    const hit = panel.getByRole('article', { name: title });
    await hit.locator('mark').first().waitFor();
    assert.doesNotMatch(await panel.locator('main').textContent(), /null|undefined/);
    if (process.env.SCREENSHOT_DIR) await p.screenshot({ path: join(process.env.SCREENSHOT_DIR, `extension-${fixture}.png`) });
    await hit.getByRole('button', { name: 'Insert link' }).click();
    await p.locator('iframe[data-stagecraft-panel]').waitFor({ state: 'detached' });
    const link = body.locator('a[href]');
    await link.waitFor();
    const href = await link.getAttribute('href');
    assert.match(href, new RegExp(`^${server.url}/l/[A-Za-z0-9_-]{43}$`));
    assert.equal(await link.textContent(), title);
    const firstLine = await body.locator('div').first().textContent();
    assert.ok(firstLine.includes(`${typed}${title}`), `inserted at the caret: ${JSON.stringify(firstLine)}`);
    await p.close();
    return href;
  }

  async function checkLink(href, recipient) {
    const links = await api(server, repJWT, 'GET', `/links?deal_id=${deal.id}`);
    const l = links.items.find((x) => x.url === href);
    assert.ok(l, `the link ${href} is in the API`);
    assert.equal(l.deal_id, deal.id);
    assert.equal(l.recipient_email, recipient);
    const r = await fetch(href, { headers: { 'User-Agent': humanUserAgent } });
    assert.equal(r.status, 200);
    assert.match(await r.text(), new RegExp(title));
  }

  test('Gmail: insert a tracked link for a deal at the caret', async () => {
    const href = await insertFrom('gmail', { typed: ' Have a look:', recipient: 'cio@northwind.example' });
    await checkLink(href, 'cio@northwind.example');
  });

  test('Outlook on the web: the same', async () => {
    const href = await insertFrom('outlook', { typed: ' the guide:', recipient: 'cio@contoso.example' });
    await checkLink(href, 'cio@contoso.example');
  });

  test('the popup inserts into the email last worked in', async () => {
    const mail = await context.newPage();
    await mail.goto(`${fixtureURL}/gmail`);
    const body = mail.locator('[contenteditable="true"][aria-label^="Message" i]');
    await mail.locator('[data-stagecraft-button]').waitFor();
    await body.locator('div').last().click();
    await mail.keyboard.press('End');
    await mail.keyboard.type('Deck:');
    const p = await extPage('panel.html');
    assert.equal(await p.getByLabel('Recipient').inputValue(), 'cio@northwind.example');
    await p.getByLabel(/^Deal/).selectOption({ label: 'Northwind security rollout — Northwind Traders' });
    const hit = p.getByRole('article', { name: title });
    await hit.getByRole('button', { name: 'Insert link' }).click();
    await p.getByText(`Inserted a tracked link to “${title}”.`).waitFor();
    const link = body.locator('a[href]');
    await link.waitFor();
    assert.ok((await body.locator('div').last().textContent()).includes(`Deck:${title}`));
    await checkLink(await link.getAttribute('href'), 'cio@northwind.example');
    await p.close();
    await mail.close();
  });

  test('the popup copies a link when no email is open', async () => {
    const p = await extPage('panel.html');
    await p.getByLabel('Search').fill('quantum');
    const hit = p.getByRole('article', { name: title });
    await hit.getByRole('button', { name: 'Copy link' }).waitFor();
    assert.equal(await hit.getByRole('button', { name: 'Insert link' }).count(), 0, 'nothing to insert into');
    await hit.getByRole('button', { name: 'Copy link' }).click();
    const out = p.getByLabel('Tracked link');
    await out.waitFor();
    const url = await out.inputValue();
    const links = await api(server, repJWT, 'GET', '/links');
    assert.ok(links.items.some((l) => l.url === url && l.deal_id === null), 'the copied link exists, on no deal');
    await p.close();
  });

  test('the popup shares with link options, and the badge counts the visit', async () => {
    const p = await extPage('panel.html');
    await p.getByLabel('Search').fill('quantum');
    const hit = p.getByRole('article', { name: title });
    await hit.getByRole('button', { name: 'Copy link' }).waitFor();
    await p.getByText('Link options:').click();
    await p.getByLabel('Require email to view').check();
    await p.getByLabel('Protect with a passcode').check();
    await p.getByLabel('Passcode', { exact: true }).fill('open-42');
    await p.getByLabel('Allow downloads').uncheck();
    await hit.getByRole('button', { name: 'Copy link' }).click();
    const url = await p.getByLabel('Tracked link').inputValue();
    const links = await api(server, repJWT, 'GET', '/links');
    const l = links.items.find((x) => x.url === url);
    assert.ok(l, 'the link exists');
    assert.equal(l.require_email, true);
    assert.equal(l.has_passcode, true);
    assert.equal(l.allow_download, false);
    assert.equal(l.notify, true);

    // A prospect (a person's browser, not a link scanner) gets in and reads.
    const prospect = await (await chromiumType()).launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: browserArgs,
    });
    try {
      const view = await (await prospect.newContext({ userAgent: humanUserAgent })).newPage();
      await view.goto(url);
      await view.locator('input[type="email"]').fill('cio@northwind.example');
      await view.locator('input[type="password"]').fill('open-42');
      await view.locator('input[type="password"]').press('Enter');
      await view.locator('[data-page="1"]').first().waitFor({ timeout: 20_000 });
      await view.waitForTimeout(2_000);
    } finally {
      await prospect.close();
    }

    // The badge is refreshed by its alarm every minute; the panel can ask
    // for a refresh at once.
    const deadline = Date.now() + 90_000;
    let text = '';
    while (Date.now() < deadline) {
      await p.evaluate(() => chrome.runtime.sendMessage({ type: 'notifications-changed' }));
      text = await worker.evaluate(() => chrome.action.getBadgeText({}));
      if (text === '1') break;
      await new Promise((r) => { setTimeout(r, 2000); });
    }
    assert.equal(text, '1', 'the badge counts the unread notification');
    const alarm = await worker.evaluate(() => chrome.alarms.get('unread-notifications'));
    assert.equal(alarm?.periodInMinutes, 1);
    await p.close();
  });

  test('the panel finds any of many deals, and passes an accessibility check', async () => {
    // More open deals than the picker loads at once.
    for (let i = 0; i < 60; i++) {
      await api(server, repJWT, 'PUT', `/deals/MANY-${i}`, { name: `Pipeline deal ${i}`, account: `Account ${i}`, stage: 'discovery' });
    }
    const zephyr = await api(server, repJWT, 'PUT', '/deals/ZX-9', { name: 'Zephyr expansion', account: 'Zephyr Labs', stage: 'proposal' });
    const p = await extPage('panel.html');
    const hint = p.getByRole('status').filter({ hasText: 'open deals' });
    await hint.getByText(/^Showing 50 of 62 open deals/).waitFor();
    await checkA11y(p, 'extension panel');
    // In dark mode too, with the dark colours.
    await p.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await p.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(23, 28, 37)');
    await checkA11y(p, 'extension panel, dark');
    await p.emulateMedia({ colorScheme: 'light' });
    await p.getByLabel('Find a deal').fill('zephyr');
    const select = p.getByLabel(/^Deal/);
    await p.waitForFunction(() => document.querySelectorAll('#deal option').length === 2);
    assert.deepEqual(await select.locator('option').allTextContents(), ['No deal', 'Zephyr expansion — Zephyr Labs']);
    await select.selectOption({ label: 'Zephyr expansion — Zephyr Labs' });
    // The deal brings its stage as a filter, and stays chosen when the search moves on.
    assert.equal(await p.getByRole('group', { name: 'Stages' }).getByRole('button', { name: 'Proposal' }).getAttribute('aria-pressed'), 'true');
    await p.getByLabel('Find a deal').fill('nothing of the kind');
    await p.getByText('No open deal matches “nothing of the kind”.').waitFor();
    assert.equal(await select.inputValue(), zephyr.id);
    assert.match(await select.locator('option:checked').textContent(), /Zephyr expansion/);
    await p.close();
  });

  test('the panel says when the server is down and when the token is revoked', async () => {
    await worker.evaluate(() => chrome.storage.local.set({ server: 'http://127.0.0.1:9' }));
    let p = await extPage('panel.html');
    await p.getByRole('alert').getByText('Cannot reach Stagecraft at http://127.0.0.1:9').waitFor();
    await p.close();

    await worker.evaluate((s) => chrome.storage.local.set({ server: s }), server.url);
    await api(server, repJWT, 'DELETE', `/api-tokens/${tokenID}`);
    p = await extPage('panel.html');
    await p.getByRole('alert').getByText(/expired or been revoked/).waitFor();
    await p.getByRole('button', { name: 'Open options' }).waitFor();
    await p.close();
  });
});
