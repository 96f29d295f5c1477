// The extension's Stagecraft client: settings in chrome.storage.local, a
// personal API token as the only credential (never cookies), and errors
// worded for the panel.

export class StagecraftError extends Error {
  constructor(message, { status = 0, code = 'error' } = {}) {
    super(message);
    this.name = 'StagecraftError';
    this.status = status;
    this.code = code;
  }
}

/** normalizeServer turns what a user typed into the server's base URL:
 * "stagecraft.acme.com" → "https://stagecraft.acme.com". */
export function normalizeServer(input) {
  let s = String(input ?? '').trim();
  if (!s) throw new StagecraftError('Enter the address of your Stagecraft server.', { code: 'invalid' });
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  let u;
  try {
    u = new URL(s);
  } catch {
    throw new StagecraftError(`“${input}” is not a web address.`, { code: 'invalid' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new StagecraftError('The server address must start with https:// (or http:// on a local network).', { code: 'invalid' });
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new StagecraftError('Enter only the server address, such as https://stagecraft.example.com.', { code: 'invalid' });
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** originPattern is the host permission a server needs: "https://host/*". */
export function originPattern(server) {
  return `${new URL(server).origin}/*`;
}

export function checkToken(token) {
  const t = String(token ?? '').trim();
  if (!t) throw new StagecraftError('Paste a personal API token from Stagecraft (Account → API tokens).', { code: 'invalid' });
  if (!/^sc_[A-Za-z0-9_-]{16,}$/.test(t)) {
    throw new StagecraftError('That is not a Stagecraft API token: tokens start with “sc_”. Create one in Stagecraft under Account → API tokens.', { code: 'invalid' });
  }
  return t;
}

export async function loadSettings() {
  const { server = '', token = '' } = await chrome.storage.local.get(['server', 'token']);
  return { server, token };
}

export async function saveSettings(server, token) {
  await chrome.storage.local.set({ server, token });
}

/** describe turns an HTTP answer into the message the panel shows. */
export function describe(status, body, server) {
  const msg = body?.error?.message;
  switch (true) {
    case status === 401:
      return new StagecraftError(
        'Your API token was not accepted: it may have expired or been revoked. Create a new one in Stagecraft (Account → API tokens) and paste it in the extension options.',
        { status, code: 'unauthorized' });
    case status === 403:
      return new StagecraftError(msg || 'Your Stagecraft role may not do this.', { status, code: 'forbidden' });
    case status === 429:
      return new StagecraftError('Too many requests: wait a moment and try again.', { status, code: 'rate_limited' });
    case status >= 500 && !msg:
      return new StagecraftError(`Stagecraft at ${server} is not answering properly (${status}). Try again in a minute.`, { status, code: 'unavailable' });
    default:
      return new StagecraftError(msg || `Stagecraft answered ${status}.`, { status, code: body?.error?.code || 'error' });
  }
}

/** call sends one API request with the token and returns the JSON body. */
export async function call({ server, token }, method, path, body) {
  if (!server || !token) throw new StagecraftError('Connect the extension to Stagecraft first.', { code: 'not_configured' });
  let res;
  try {
    res = await fetch(`${server}/api/v1${path}`, {
      method,
      credentials: 'omit',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new StagecraftError(`Cannot reach Stagecraft at ${server}. Check the address, your connection, and that the server is running.`, { code: 'network' });
  }
  let data;
  try {
    data = res.status === 204 ? undefined : await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) throw describe(res.status, data, server);
  return data;
}

/** query renders search parameters, repeating lists. */
export function query(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.filter(Boolean).forEach((x) => p.append(k, x));
    else if (v !== undefined && v !== null && v !== '') p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
