// The prospect's side in a real browser against a real server: real decks
// uploaded through the API are converted by LibreOffice and shown page by
// page on a desktop and a phone; reading time lands on the pages read; a
// protected link shows its gate first and says when the passcode is wrong.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { admin, api, humanUserAgent, launchBrowser, login, repoRoot, screenshotDir, skipReason, startServer } from './harness.mjs';

const docs = join(repoRoot, '..', 'shared', 'testdata', 'docs');
// Decks the code was never tuned on: whatever is there, converted as is.
const decks = ['SampleShow.pptx', 'with_japanese.pptx', 'test.pptx'].map((f) => join(docs, f)).filter((p) => existsSync(p));
const hasSoffice = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v soffice'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = skipReason() ?? (decks.length === 0 ? 'no test decks in ../shared/testdata/docs' : null) ??
  (hasSoffice ? null : 'LibreOffice (soffice) is not installed: run `make deps` as root');

const phoneUserAgent =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

async function upload(server, token, path) {
  const form = new FormData();
  const type = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  form.append('file', new Blob([readFileSync(path)], { type }), basename(path));
  const r = await fetch(`${server.url}/api/v1/assets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text);
}

/** ready waits until the asset's preview is ready, failing on failed. */
async function ready(server, token, id) {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const a = await api(server, token, 'GET', `/assets/${id}`);
    if (a.preview.status === 'ready') return a;
    assert.notEqual(a.preview.status, 'failed', `preview failed: ${a.preview.error}`);
    assert.notEqual(a.preview.status, 'unavailable', 'LibreOffice not found by the server');
    assert.ok(Date.now() < deadline, `preview still ${a.preview.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('prospect viewer', { skip: skip ?? false, timeout: 420_000 }, () => {
  let server;
  let browser;
  let token;
  const shots = screenshotDir();
  const assets = [];

  before(async () => {
    server = await startServer();
    token = await login(server, admin.email, admin.password);
    for (const path of decks) {
      const a = await upload(server, token, path);
      assets.push({ path, ...(await ready(server, token, a.id)) });
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('every deck has a thumbnail and is viewable page by page on a desktop and a phone', async () => {
    for (const a of assets) {
      assert.ok(a.preview.pages >= 1, `${basename(a.path)}: ${a.preview.pages} pages`);
      const thumb = await fetch(`${server.url}/api/v1/assets/${a.id}/thumbnail`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(thumb.status, 200, `${basename(a.path)} has no thumbnail`);
      const link = await api(server, token, 'POST', '/links', { asset_id: a.id });
      for (const device of [
        { name: 'desktop', viewport: { width: 1280, height: 800 }, userAgent: humanUserAgent },
        { name: 'phone', viewport: { width: 390, height: 844 }, userAgent: phoneUserAgent, isMobile: true, hasTouch: true },
      ]) {
        const context = await browser.newContext(device);
        const page = await context.newPage();
        const res = await page.goto(link.url);
        assert.equal(res.status(), 200);
        const pages = page.locator('[data-page]');
        assert.equal(await pages.count(), a.preview.pages, `${basename(a.path)} on a ${device.name}`);
        // The first page shows as an image that loaded, within the viewport's width.
        const first = page.locator('[data-page="1"] img');
        await first.waitFor({ state: 'visible' });
        await page.waitForFunction(() => {
          const img = document.querySelector('[data-page="1"] img');
          return img && img.complete && img.naturalWidth > 0;
        });
        const box = await first.boundingBox();
        assert.ok(box.width > 0 && box.width <= device.viewport.width, `page 1 is ${box.width}px wide on a ${device.name}`);
        if (shots && a === assets[0]) await page.screenshot({ path: join(shots, `viewer-deck-${device.name}.png`) });
        if (a.preview.pages > 1) {
          await page.locator('#next').click();
          await page.waitForFunction(() => document.getElementById('where').textContent.startsWith('2 /'));
        }
        await context.close();
      }
    }
  });

  test('reading time lands on the pages read', async () => {
    const a = assets.find((x) => x.preview.pages >= 2);
    assert.ok(a, 'a deck of two pages or more');
    const link = await api(server, token, 'POST', '/links', { asset_id: a.id });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: humanUserAgent });
    const page = await context.newPage();
    await page.goto(link.url);
    await page.locator('[data-page="1"] img').waitFor({ state: 'visible' });
    const read = async (seconds) => {
      for (let i = 0; i < seconds; i++) {
        await page.mouse.move(200 + i * 10, 300);
        await page.waitForTimeout(1000);
      }
    };
    await read(3);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('where').textContent.startsWith('2 /'));
    await read(3);
    await page.close({ runBeforeUnload: true }); // pagehide sends the last slice
    await context.close();
    let visit;
    for (let i = 0; i < 40; i++) {
      const v = await api(server, token, 'GET', `/links/${link.id}/visits`);
      visit = v.items[0];
      if (visit && visit.pages.some((p) => p.page === 2)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(visit, 'a visit was recorded');
    const byPage = Object.fromEntries(visit.pages.map((p) => [p.page, p.seconds]));
    assert.ok(byPage[1] >= 2 && byPage[1] <= 4, `page 1: ${byPage[1]} s`);
    assert.ok(byPage[2] >= 2 && byPage[2] <= 4, `page 2: ${byPage[2]} s`);
    assert.equal(visit.device, 'desktop');
    assert.ok(visit.completion > 0 && visit.completion <= 1);
  });

  test('a protected link shows its gate, refuses a wrong passcode and hides downloads', async () => {
    const a = assets[0];
    const link = await api(server, token, 'POST', '/links', {
      asset_id: a.id, require_email: true, passcode: 'blue-harbour', allow_download: false,
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: phoneUserAgent, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(link.url);
    assert.equal(await page.locator('[data-page]').count(), 0);
    await page.locator('input[type="email"]').fill('buyer@prospect.example');
    await page.locator('input[type="password"]').fill('green-harbour');
    await page.locator('input[type="password"]').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'passcode is not right' }).waitFor();
    if (shots) await page.screenshot({ path: join(shots, 'viewer-gate.png') });
    await page.locator('input[type="password"]').fill('blue-harbour');
    await page.getByRole('button', { name: 'View document' }).click();
    await page.locator('[data-page="1"] img').waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-page]').count(), a.preview.pages);
    assert.equal(await page.getByRole('link', { name: /download/i }).count(), 0);
    const file = await page.request.get(`${link.url}/file`);
    assert.equal(file.status(), 403);
    await context.close();
  });
});
