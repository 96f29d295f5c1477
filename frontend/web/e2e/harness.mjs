// Starts a real Stagecraft server for the browser tests: its own schema in
// PostgreSQL, its own data directory and port, and Debian's chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

/** skipReason says why the browser tests cannot run here, or null. */
export function skipReason() {
  if (!process.env.E2E_DATABASE_URL) return 'E2E_DATABASE_URL is not set: run `make test`, which prepares PostgreSQL';
  return null;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function psql(url, sql) {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** withSchema returns url with search_path set, as the Go tests do. */
function withSchema(url, schema) {
  const u = new URL(url);
  u.searchParams.set('search_path', `${schema},public`);
  return u.toString();
}

export const admin = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/** startServer runs bin/stagecraft serve against a fresh schema and
 * resolves once it is ready; with demo, the demo organisation is created
 * first; env adds to or overrides the server's environment. */
export async function startServer({ demo = false, env: extraEnv = {} } = {}) {
  const base = process.env.E2E_DATABASE_URL;
  const schema = `e2e_${randomBytes(4).toString('hex')}`;
  psql(base, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public; CREATE SCHEMA ${schema}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'stagecraft-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bin = process.env.STAGECRAFT_BIN ?? join(repoRoot, 'bin/stagecraft');
  const logs = [];
  const env = {
    ...process.env,
    DATABASE_URL: withSchema(base, schema),
    LISTEN_ADDR: `127.0.0.1:${port}`,
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    STORAGE: 'local',
    SEARCH: 'postgres',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    LOG_FORMAT: 'text',
    LOG_LEVEL: 'warn',
    INDEX_WORKERS: '1',
    ...extraEnv,
  };
  if (demo) execFileSync(bin, ['demo'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const proc = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => logs.push(String(d)));
  proc.stderr.on('data', (d) => logs.push(String(d)));
  let exited = null;
  proc.on('exit', (code) => (exited = code));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`stagecraft exited with ${exited}:\n${logs.join('')}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`stagecraft did not become ready:\n${logs.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    logs,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (exited !== null ? r() : proc.on('exit', r)));
      try {
        psql(base, `DROP SCHEMA ${schema} CASCADE`);
      } catch {
        // a leftover schema is harmless
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** api calls the server's JSON API. */
export async function api(server, token, method, path, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { Authorization: token ? `Bearer ${token}` : '', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return data;
}

export async function login(server, email, password) {
  return (await api(server, null, 'POST', '/auth/login', { email, password })).token;
}

/** uploadAsset sends a file as the API's multipart upload, with the
 * other form fields given (title, stages…), and returns the asset. */
export async function uploadAsset(server, token, name, bytes, type, fields = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), name);
  const r = await fetch(`${server.url}/api/v1/assets`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** openSession signs user in through the login page, in a new browser
 * context of the given size and colour scheme, and returns the page
 * (at path, when given). */
export async function openSession(browser, server, user, { viewport = { width: 1360, height: 860 }, colorScheme = 'light', path } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  if (path) await page.goto(server.url + path);
  return page;
}

/** chromiumType is Playwright's chromium, resolved from the web app's
 * packages (the extension's tests use it too). */
export async function chromiumType() {
  return (await import('playwright-core')).chromium;
}

/** browserArgs are the chromium flags that work on these machines: no
 * sandbox as root, no background networking to a closed network. */
export const browserArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

/** launchBrowser starts Debian's chromium headless with the options that
 * work on these machines (no sandbox as root, no background networking). */
export async function launchBrowser() {
  return (await chromiumType()).launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: browserArgs,
  });
}

/** screenshotDir is where screenshots go (SCREENSHOT_DIR), or null. */
export function screenshotDir() {
  const d = process.env.SCREENSHOT_DIR;
  if (!d) return null;
  mkdirSync(d, { recursive: true });
  return d;
}

/** A desktop browser's user agent: the viewer does not count opens by
 * headless browsers (link scanners), and a prospect is a person. */
export const humanUserAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
