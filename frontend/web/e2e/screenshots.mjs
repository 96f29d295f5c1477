// Saves screenshots of the main pages, filled with the demo organisation's
// data, to docs/screenshots (run by `make screenshots`; not a test).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { launchBrowser, repoRoot, startServer } from './harness.mjs';

const out = process.env.SCREENSHOT_DIR ?? join(repoRoot, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const password = 'stagecraft-demo';

const server = await startServer({ demo: true });
const browser = await launchBrowser();
let failed = false;
try {
  const session = async (email, viewport = { width: 1360, height: 860 }) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  };
  const shot = async (page, name) => {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(400); // charts settle
    await page.screenshot({ path: join(out, `${name}.png`) });
    console.log(`screenshots: ${name}.png`);
  };

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
  await mk.getByRole('article').first().getByRole('link').nth(1).click();
  await mk.getByRole('heading', { name: 'Performance' }).waitFor();
  await mk.locator('canvas[data-page="1"]').waitFor();
  await shot(mk, 'asset');

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
