// Builds the extension for the stores: dist/chrome and dist/firefox (the
// same files with each browser's manifest) and a zip of each, ready to
// upload. No bundler: the sources are plain modules that browsers load as
// they are.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');

/** manifestFor adapts the manifest: Firefox runs the background as an
 * event page (background.scripts) and needs an add-on id. */
export function manifestFor(browser, base) {
  const m = structuredClone(base);
  if (browser === 'firefox') {
    m.background = { scripts: ['background.js'], type: 'module' };
    m.browser_specific_settings = { gecko: { id: 'extension@stagecraft.dev', strict_min_version: '128.0' } };
  }
  return m;
}

function files(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  }).filter((p) => !p.endsWith('.test.js'));
}

/** zip writes a deflated archive of dir with fixed timestamps, so the same
 * sources give the same bytes. */
export function zip(dir, out) {
  const entries = [];
  const chunks = [];
  let offset = 0;
  const dosTime = 0; // 00:00:00
  const dosDate = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01
  for (const path of files(dir)) {
    const name = Buffer.from(relative(dir, path).split(sep).join('/'));
    const data = readFileSync(path);
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, packed);
    entries.push({ name, crc, size: data.length, packed: packed.length, offset });
    offset += local.length + name.length + packed.length;
  }
  const central = [];
  for (const e of entries) {
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt16LE(dosTime, 12);
    c.writeUInt16LE(dosDate, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.packed, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(e.name.length, 28);
    c.writeUInt32LE(e.offset, 42);
    central.push(c, e.name);
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(out, Buffer.concat([...chunks, ...central, end]));
  return entries.length;
}

/** build copies the sources for browser into out with its manifest. */
export function build(browser, out, { extraOrigins = [] } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(src, out, { recursive: true, filter: (p) => !p.endsWith('.test.js') });
  const m = manifestFor(browser, JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')));
  if (extraOrigins.length) {
    // Test builds only: a local page stands in for Gmail and Outlook.
    m.content_scripts[0].matches.push(...extraOrigins);
    m.web_accessible_resources[0].matches.push(...extraOrigins);
    m.host_permissions = [...extraOrigins];
  }
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  return m;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { version } = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  mkdirSync(dist, { recursive: true });
  for (const browser of ['chrome', 'firefox']) {
    const dir = join(dist, browser);
    build(browser, dir);
    const out = join(dist, `stagecraft-extension-${browser}-${version}.zip`);
    const n = zip(dir, out);
    console.log(`extension: ${relative(process.cwd(), out)} (${n} files, ${statSync(out).size} bytes)`);
  }
}
