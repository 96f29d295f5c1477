// Everyday library work in a real browser against a real server: editing
// an asset's title, description and tags (in the library and on its
// page, with the API's own messages), and uploads that can be cancelled,
// retried, survive moving around the app, and ask before the tab closes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { admin, api, launchBrowser, login, openSession, repoRoot, skipReason, startServer, uploadAsset } from './harness.mjs';
import { makePDF } from './pdf.mjs';

const skip = skipReason();
const docs = join(repoRoot, '..', 'shared', 'testdata', 'docs');
const marketer = { email: 'mia@e2e.test', name: 'Mia Marketer', role: 'marketer', password: 'mia-password-1' };

describe('library: editing and uploads', { skip: skip ?? false, timeout: 300_000 }, () => {
  let server;
  let browser;
  let token;
  let asset;

  before(async () => {
    server = await startServer();
    const adminToken = await login(server, admin.email, admin.password);
    await api(server, adminToken, 'POST', '/users', marketer);
    token = await login(server, marketer.email, marketer.password);
    asset = await uploadAsset(server, token, 'pricing.pdf', makePDF('Pricing', [['Pricing', 'Plans and prices.']]), 'application/pdf',
      { title: 'Pricing sheet' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    if (server) {
      if (process.exitCode) console.error(server.logs.join(''));
      await server.stop();
    }
  });

  const signIn = (path) => openSession(browser, server, marketer, { viewport: { width: 1360, height: 900 }, path });

  /** apiMessage is the message the API gives for a PATCH of the asset. */
  async function apiMessage(body) {
    const r = await fetch(`${server.url}/api/v1/assets/${asset.id}`, {
      method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    assert.equal(r.status, 400);
    return (await r.json()).error.message;
  }

  test('title, description and tags are edited in the library and on the asset page', async () => {
    const page = await signIn('/library');
    const row = page.locator(`tr[data-asset-id="${asset.id}"]`);
    await row.getByRole('button', { name: /^Edit title, description and tags/ }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Pricing sheet 2027');
    await dialog.getByLabel('Tags').fill('emea');
    await dialog.getByLabel('Tags').press('Enter');
    await dialog.getByLabel('Tags').pressSequentially('q3,');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByRole('link', { name: 'Pricing sheet 2027' }).waitFor();
    await row.getByText('emea', { exact: true }).waitFor();
    let saved = await api(server, token, 'GET', `/assets/${asset.id}`);
    assert.equal(saved.title, 'Pricing sheet 2027');
    assert.deepEqual(saved.tags, ['emea', 'q3']);

    // The same limits and words as the API, before anything is sent.
    const long = 'é'.repeat(301);
    const want = await apiMessage({ title: long });
    await row.getByRole('button', { name: /^Edit title, description and tags/ }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill(long);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(want, { exact: true }).waitFor();
    assert.equal(await dialog.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // On the asset page, in place.
    await page.goto(`${server.url}/assets/${asset.id}`);
    await page.getByRole('button', { name: 'Edit title, description and tags' }).click();
    const form = page.getByRole('form', { name: /^Edit/ });
    await form.getByLabel('Description').fill('Send with every proposal in EMEA.');
    await form.getByRole('button', { name: 'Remove tag q3' }).click();
    const wantTag = await apiMessage({ tags: ['x'.repeat(61)] });
    await form.getByLabel('Tags').fill('x'.repeat(61));
    await form.getByLabel('Tags').press('Enter');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText(wantTag, { exact: true }).waitFor();
    await form.getByRole('button', { name: `Remove tag ${'x'.repeat(61)}` }).click();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Send with every proposal in EMEA.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Pricing sheet 2027' }).waitFor();
    saved = await api(server, token, 'GET', `/assets/${asset.id}`);
    assert.equal(saved.description, 'Send with every proposal in EMEA.');
    assert.deepEqual(saved.tags, ['emea']);
    await page.context().close();
  });

  test('a failed upload says why and can be retried; a slow one can be cancelled and retried', async () => {
    const page = await signIn('/library');
    const before = (await api(server, token, 'GET', '/assets?limit=100')).total;
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'choose files' }).click();
    await (await chooser).setFiles([{ name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) }]);
    const failed = page.getByRole('listitem').filter({ hasText: 'empty.pdf' });
    await failed.getByRole('alert').waitFor();
    assert.match(await failed.getByRole('alert').textContent(), /empty\.pdf could not be uploaded: .*empty/i);
    await failed.getByRole('button', { name: 'Retry upload of empty.pdf' }).waitFor();

    // A slow network: the upload runs long enough to cancel.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const big = makePDF('Big deck', Array.from({ length: 40 }, (_, i) => [`Page ${i + 1}`, 'x'.repeat(3000)]));
    assert.ok(big.length > 100_000, `the slow file is ${big.length} bytes`);
    const chooser2 = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'choose files' }).click();
    await (await chooser2).setFiles([{ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.from(big) }]);
    const slow = page.getByRole('listitem').filter({ hasText: 'big.pdf' });
    await slow.getByText(/% of /).waitFor();

    // Closing the tab now asks first; staying keeps the upload going.
    const dialog = new Promise((resolve) => page.once('dialog', async (d) => { resolve(d.type()); await d.dismiss(); }));
    await page.close({ runBeforeUnload: true });
    assert.equal(await dialog, 'beforeunload');
    assert.equal(page.isClosed(), false);

    // Moving to another page of the app does not stop it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.getByRole('status').filter({ hasText: /Uploading 1 file/ }).waitFor();
    await page.getByRole('link', { name: 'Show' }).click();
    await slow.getByRole('button', { name: 'Cancel upload of big.pdf' }).click();
    await slow.getByText('Cancelled').waitFor();
    assert.equal((await api(server, token, 'GET', '/assets?limit=100')).total, before, 'a cancelled upload leaves nothing');

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await slow.getByRole('button', { name: 'Retry upload of big.pdf' }).click();
    await slow.getByText('Uploaded').waitFor();
    await slow.getByRole('link', { name: 'big.pdf' }).waitFor();
    assert.equal((await api(server, token, 'GET', '/assets?limit=100')).total, before + 1);

    // A new version on its way can be cancelled too; the current one stays.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const row = page.locator(`tr[data-asset-id="${asset.id}"]`);
    const chooser3 = page.waitForEvent('filechooser');
    await row.getByRole('button', { name: 'New version' }).click();
    await (await chooser3).setFiles([{ name: 'big-v2.pdf', mimeType: 'application/pdf', buffer: Buffer.from(big) }]);
    await row.getByRole('button', { name: /^Cancel the new version of/ }).click();
    await page.getByRole('status').filter({ hasText: 'cancelled; the current one stays' }).waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.equal((await api(server, token, 'GET', `/assets/${asset.id}`)).current_version.number, 1);
    await page.context().close();
  });

  // Real decks and documents as users upload them, without a title: a
  // generic title left in the file ("PowerPoint Presentation") is not
  // taken; a meaningful one is.
  const untitled = [
    ['SampleShow.pptx', 'SlideShow Sample'],
    ['smartart-simple.pptx', 'smartart simple'],
    ['test.docx', 'python-docx was here!'],
  ].filter(([f]) => existsSync(join(docs, f)));
  test('uploads without a title get sensible names', { skip: untitled.length ? false : 'no documents in ../shared/testdata/docs' }, async () => {
    const page = await signIn('/library');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'choose files' }).click();
    await (await chooser).setFiles(untitled.map(([f]) => ({ name: f, mimeType: 'application/octet-stream', buffer: readFileSync(join(docs, f)) })));
    for (const [f] of untitled) await page.getByRole('listitem').filter({ hasText: f }).getByText('Uploaded').waitFor();
    // Titles settle once each file is indexed; the library polls meanwhile.
    for (const [, want] of untitled) {
      await page.locator('tr[data-asset-id]').getByRole('link', { name: want, exact: true }).waitFor({ timeout: 90_000 });
    }
    const titles = (await api(server, token, 'GET', '/assets?limit=100')).items.map((a) => a.title);
    assert.ok(!titles.includes('PowerPoint Presentation'), `no generic title: ${titles.join(', ')}`);
    await page.context().close();
  });
});
