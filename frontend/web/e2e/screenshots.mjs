// Saves screenshots of the main pages, filled with the demo organisation's
// data, to docs/screenshots (run by `make screenshots`; not a test).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { api, humanUserAgent, launchBrowser, login as signIn, openSession, repoRoot, startServer } from './harness.mjs';

const out = process.env.SCREENSHOT_DIR ?? join(repoRoot, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const password = 'stagecraft-demo';

const server = await startServer({ demo: true });
const browser = await launchBrowser();
let failed = false;
try {
  const session = (email, viewport = { width: 1360, height: 860 }, colorScheme = 'light') =>
    openSession(browser, server, { email, password }, { viewport, colorScheme });
  const shot = async (page, name) => {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(400); // charts settle
    await page.screenshot({ path: join(out, `${name}.png`) });
    console.log(`screenshots: ${name}.png`);
  };

  // Thumbnails and page images exist once the demo's decks are converted.
  const demoToken = await signIn(server, 'marketer@demo.stagecraft.dev', password);
  for (let i = 0; i < 600; i++) {
    const assets = await api(server, demoToken, 'GET', '/assets?limit=100');
    if (assets.items.every((a) => a.preview.status !== 'pending' && a.index_status !== 'pending')) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const login = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
  await login.goto(`${server.url}/login`);
  await shot(login, 'login');

  const rep = await session('rep@demo.stagecraft.dev');
  await rep.getByRole('button', { name: /Acme Platform/ }).first().waitFor();
  await shot(rep, 'home');
  await rep.goto(`${server.url}/search?q=encrpytion&stage=evaluation`);
  await rep.getByRole('article').first().waitFor();
  await shot(rep, 'search');

  const mk = await session('marketer@demo.stagecraft.dev');
  await mk.goto(`${server.url}/analytics`);
  await mk.getByRole('table', { name: 'Scorecard' }).waitFor();
  await shot(mk, 'analytics');
  await mk.goto(`${server.url}/library`);
  await mk.locator('tr[data-asset-id]').first().waitFor();
  await shot(mk, 'library');
  await mk.goto(`${server.url}/search?q=northwind`);
  await mk.getByRole('article').first().getByRole('heading').getByRole('link').click();
  await mk.getByRole('heading', { name: 'Performance' }).waitFor();
  await mk.locator('canvas[data-page="1"]').waitFor();
  await shot(mk, 'asset');

  // The same pages with the system set to dark mode.
  const dark = await session('marketer@demo.stagecraft.dev', { width: 1360, height: 860 }, 'dark');
  await dark.goto(`${server.url}/analytics`);
  await dark.getByRole('table', { name: 'Scorecard' }).waitFor();
  await shot(dark, 'analytics-dark');
  await dark.goto(`${server.url}/search?q=platform+overview`);
  await dark.getByRole('article').first().getByRole('heading').getByRole('link').click();
  await dark.getByRole('heading', { name: 'Attention per page' }).waitFor();
  await dark.locator('.page-image img').first().waitFor();
  await dark.getByRole('heading', { name: 'Performance' }).evaluate((el) => { el.scrollIntoView(); window.scrollBy(0, -68); });
  await shot(dark, 'asset-dark');
  // Editing an asset's text in place.
  await mk.getByRole('button', { name: 'Edit title, description and tags' }).click();
  await mk.getByLabel('Tags').fill('healthcare');
  await mk.getByLabel('Tags').press('Enter');
  await mk.evaluate(() => window.scrollTo(0, 0));
  await shot(mk, 'asset-edit');

  const admin = await session('admin@demo.stagecraft.dev');
  await admin.goto(`${server.url}/admin`);
  await admin.getByRole('table').waitFor();
  await shot(admin, 'admin');
  await admin.goto(`${server.url}/admin?tab=audit`);
  await admin.getByRole('table').waitFor();
  await shot(admin, 'audit');
  const adminPhone = await session('admin@demo.stagecraft.dev', { width: 390, height: 844 });
  await adminPhone.goto(`${server.url}/admin`);
  await adminPhone.getByRole('table').waitFor();
  await shot(adminPhone, 'admin-phone');

  // The prospect's side: the rep shares a deck behind an email gate, a
  // buyer reads it on a computer and comes back on a phone; the rep sees
  // the alert and the visit.
  const repToken = await signIn(server, 'rep@demo.stagecraft.dev', password);
  let deck;
  for (let i = 0; i < 600 && !deck; i++) {
    const assets = await api(server, repToken, 'GET', '/assets?limit=100');
    if (assets.items.every((a) => a.preview.status !== 'pending')) {
      deck = assets.items.filter((a) => a.preview.status === 'ready').sort((a, b) => b.preview.pages - a.preview.pages)[0];
    }
    if (!deck) await new Promise((r) => setTimeout(r, 200));
  }
  if (!deck) throw new Error('no demo asset got page previews');
  const deals = await api(server, repToken, 'GET', '/deals?owner=me&status=open');
  const link = await api(server, repToken, 'POST', '/links', { asset_id: deck.id, deal_id: deals.items[0]?.id, require_email: true });
  const buyer = await (await browser.newContext({ viewport: { width: 1360, height: 860 }, userAgent: humanUserAgent })).newPage();
  await buyer.goto(link.url);
  await shot(buyer, 'viewer-gate');
  await buyer.getByLabel('Email').fill('dana.cho@northwind.example');
  await buyer.getByRole('button', { name: 'View document' }).click();
  await buyer.locator('[data-page="1"] img').waitFor();
  await shot(buyer, 'viewer');
  const read = async (page, seconds) => {
    for (let i = 0; i < seconds; i++) {
      await page.mouse.move(300 + i, 300);
      await page.waitForTimeout(1000);
    }
  };
  await read(buyer, 4);
  for (let n = 2; n <= Math.min(deck.preview.pages, 4); n++) {
    await buyer.keyboard.press('ArrowRight');
    if (n !== 3) await read(buyer, 2 + n);
  }
  await buyer.close();
  const buyerPhone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' })).newPage();
  await buyerPhone.goto(link.url);
  await buyerPhone.getByLabel('Email').fill('sam.ortiz@northwind.example');
  await buyerPhone.getByRole('button', { name: 'View document' }).click();
  await buyerPhone.locator('[data-page="1"] img').waitFor();
  await read(buyerPhone, 3);
  await shot(buyerPhone, 'viewer-phone');
  await buyerPhone.close();
  const repPage = await session('rep@demo.stagecraft.dev');
  await repPage.goto(`${server.url}/links/${link.id}`);
  await repPage.getByText('dana.cho@northwind.example').first().waitFor();
  await shot(repPage, 'visit');
  await repPage.getByRole('button', { name: /notifications/i }).first().click();
  await repPage.getByText(/opened/).first().waitFor();
  await shot(repPage, 'bell');

  const phone = await session('rep@demo.stagecraft.dev', { width: 390, height: 844 });
  await phone.goto(`${server.url}/search?q=security`);
  await phone.getByRole('article').first().waitFor();
  await shot(phone, 'search-phone');
} catch (err) {
  failed = true;
  console.error(err);
  console.error(server.logs.join(''));
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
