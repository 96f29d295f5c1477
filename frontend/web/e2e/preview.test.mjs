// Page previews in a real browser against a real server: a Word document
// is converted by the server, the library says so while it is prepared,
// and the asset page then shows it page by page from the page images.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, launchBrowser, login, skipReason, startServer } from './harness.mjs';
import { zip } from '../../extension/scripts/build.mjs';

const title = 'Onboarding plan';
const converter = ['/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice'].some((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});
const skip = skipReason() ?? (converter ? null : 'LibreOffice is not installed: decks and documents get no page previews here');

/** makeDocx writes a minimal Word document of two pages. */
function makeDocx(dir) {
  const src = join(dir, 'docx');
  mkdirSync(join(src, '_rels'), { recursive: true });
  mkdirSync(join(src, 'word'), { recursive: true });
  writeFileSync(join(src, '[Content_Types].xml'), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`);
  writeFileSync(join(src, '_rels/.rels'), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`);
  const p = (t) => `<w:p><w:r><w:t>${t}</w:t></w:r></w:p>`;
  const pageBreak = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>';
  writeFileSync(join(src, 'word/document.xml'), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
${p(title)}${p('Week one: accounts, access and a first workspace.')}${pageBreak}${p('Week two: data import and training.')}
</w:body></w:document>`);
  const out = join(dir, 'onboarding-plan.docx');
  zip(src, out);
  return out;
}

describe('page previews', { skip: skip ?? false, timeout: 240_000 }, () => {
  let server;
  let browser;
  let docx;

  before(async () => {
    server = await startServer();
    docx = makeDocx(mkdtempSync(join(tmpdir(), 'stagecraft-e2e-docx-')));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      if (process.exitCode) console.error(server.logs.join(''));
      await server.stop();
    }
  });

  test('a converted document shows page by page', async () => {
    const token = await login(server, admin.email, admin.password);
    const form = new FormData();
    form.append('title', title);
    form.append('file', new Blob([readFileSync(docx)], {
      type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    }), 'onboarding-plan.docx');
    const r = await fetch(`${server.url}/api/v1/assets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    assert.equal(r.status, 201, await r.clone().text());
    const asset = await r.json();

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(`${server.url}/assets/${asset.id}`);
    // The page refreshes itself while the preview is prepared.
    try {
      await page.getByRole('img', { name: /^Page 1 of \d+$/ }).waitFor({ timeout: 120_000 });
    } catch (err) {
      const now = await (await fetch(`${server.url}/api/v1/assets/${asset.id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
      throw new Error(`no page images; the asset's preview: ${JSON.stringify(now.preview)}`, { cause: err });
    }
    const pages = await page.locator('.page-images [data-page]').count();
    assert.ok(pages >= 2, `every page has its place (${pages})`);
    const loaded = await page.getByRole('img', { name: /^Page 1 of/ }).evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'the first page image is shown');
    await context.close();
  });
});
