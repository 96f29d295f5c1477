// Options: the server's address and a personal API token. Saving checks
// both against the server and shows who the extension acts as.
import { call, checkToken, loadSettings, normalizeServer, originPattern, saveSettings } from './api.js';
import { h } from './ui.js';

const form = document.getElementById('form');
const serverInput = document.getElementById('server');
const tokenInput = document.getElementById('token');
const status = document.getElementById('status');
const roles = { admin: 'admin', marketer: 'marketer', rep: 'sales rep' };

function say(text, ok) {
  status.replaceChildren(h('div', { class: `banner ${ok ? 'ok' : ''}`, role: ok ? 'status' : 'alert' }, text));
}

function signedIn(me, server) {
  say(`Signed in as ${me.name || me.email} (${me.email}, ${roles[me.role] ?? me.role}) on ${server}.`, true);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  let server;
  let token;
  try {
    server = normalizeServer(serverInput.value);
    token = checkToken(tokenInput.value);
  } catch (err) {
    say(err.message, false);
    return;
  }
  // Access to the server's origin only, asked for now (a user gesture is
  // needed) rather than to every site at install.
  let granted = false;
  try {
    granted = await chrome.permissions.request({ origins: [originPattern(server)] });
  } catch {
    granted = false;
  }
  if (!granted) {
    say(`Allow the extension to reach ${new URL(server).origin}: it needs that permission to talk to Stagecraft.`, false);
    return;
  }
  say('Checking…', true);
  try {
    const me = await call({ server, token }, 'GET', '/me');
    await saveSettings(server, token);
    serverInput.value = server;
    tokenInput.value = token;
    signedIn(me, server);
  } catch (err) {
    say(err.message, false);
  }
});

document.getElementById('disconnect').addEventListener('click', async () => {
  const { server } = await loadSettings();
  await saveSettings(server, '');
  tokenInput.value = '';
  if (server) chrome.permissions.remove({ origins: [originPattern(server)] }).catch(() => {});
  say('Disconnected: the token is removed from this browser. Revoke it in Stagecraft if you no longer need it.', true);
});

(async () => {
  const s = await loadSettings();
  serverInput.value = s.server;
  tokenInput.value = s.token;
  if (!s.server || !s.token) return;
  try {
    signedIn(await call(s, 'GET', '/me'), s.server);
  } catch (err) {
    say(err.message, false);
  }
})();
