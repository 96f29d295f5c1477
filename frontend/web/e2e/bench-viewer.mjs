// Benchmark of the prospect's first view: how soon the first page of a
// 30-slide deck shows in headless chromium, on a desktop and on a phone
// viewport, against a real server on loopback. Each run is a fresh browser
// context (nothing cached). Prints medians and p95 as a Markdown table.
//
//   make bench-viewer            (RUNS=15 by default)
import { writeFileSync } from 'node:fs';
import { admin, api, humanUserAgent, launchBrowser, login, skipReason, startServer } from './harness.mjs';
import { makePDF } from './pdf.mjs';

const skip = skipReason();
if (skip) {
  console.error(`bench-viewer: ${skip}`);
  process.exit(1);
}
const runs = Number(process.env.RUNS ?? 15);
const phoneUA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const server = await startServer();
const browser = await launchBrowser();
try {
  const token = await login(server, admin.email, admin.password);
  // Slides: landscape pages with a title and a few lines each.
  const slides = Array.from({ length: 30 }, (_, i) => [`Slide ${i + 1}: why now`, 'What it costs', 'What you get', 'Who else runs it']);
  // Landscape: same-length edits keep the PDF's offsets valid.
  const pdf = Buffer.from(makePDF('Thirty slides', slides).toString('latin1')
    .replace(/\/MediaBox \[0 0 612 792\]/g, '/MediaBox [0 0 960 540]').replace(/72 720 Td/g, '72 460 Td'), 'latin1');
  const form = new FormData();
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'thirty-slides.pdf');
  const up = await fetch(`${server.url}/api/v1/assets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const asset = await up.json();
  const t0 = Date.now();
  for (;;) {
    const a = await api(server, token, 'GET', `/assets/${asset.id}`);
    if (a.preview.status === 'ready') break;
    if (a.preview.status === 'failed' || Date.now() - t0 > 120_000) throw new Error(`preview ${a.preview.status}: ${a.preview.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const upToViewable = Date.now() - t0;
  const link = await api(server, token, 'POST', '/links', { asset_id: asset.id });

  const rows = [];
  for (const device of [
    { name: 'desktop 1280×800', viewport: { width: 1280, height: 800 }, userAgent: humanUserAgent },
    { name: 'phone 390×844', viewport: { width: 390, height: 844 }, userAgent: phoneUA, isMobile: true, hasTouch: true },
  ]) {
    const html = [];
    const first = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(device);
      const page = await context.newPage();
      await page.goto(link.url);
      await page.waitForFunction(() => {
        const img = document.querySelector('[data-page="1"] img');
        return img && img.complete && img.naturalWidth > 0;
      });
      const m = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const img = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/pages/1'));
        return { html: nav.responseEnd - nav.startTime, first: img ? img.responseEnd - nav.startTime : NaN };
      });
      html.push(m.html);
      first.push(m.first);
      await context.close();
    }
    rows.push({ device: device.name, html, first });
  }
  const fmt = (x) => x.toFixed(0);
  let out = `\nViewer first view, 30-slide deck, ${runs} fresh loads per device (${new Date().toISOString().slice(0, 10)})\n\n`;
  out += '| device | HTML received, median ms | p95 ms | first page image received, median ms | p95 ms |\n|---|---|---|---|---|\n';
  for (const r of rows) out += `| ${r.device} | ${fmt(pct(r.html, 50))} | ${fmt(pct(r.html, 95))} | ${fmt(pct(r.first, 50))} | ${fmt(pct(r.first, 95))} |\n`;
  out += `\nUpload to viewable (30 pages rendered): ${upToViewable} ms\n`;
  console.log(out);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, out);
} finally {
  await browser.close();
  await server.stop();
}
