// The options of a shared link: protection (email, passcode), downloads
// and open alerts. The web app's share dialog offers the same.

export const passcodeMin = 4;
export const passcodeMax = 128;

/** defaultOptions are the server's defaults: open to anyone with the
 * link, downloads allowed, the sharer told of each visit. */
export const defaultOptions = Object.freeze({
  requireEmail: false, passcodeOn: false, passcode: '', allowDownload: true, notify: true,
});

/** checkPasscode says what is wrong with the passcode chosen, or null. */
export function checkPasscode(o) {
  if (!o.passcodeOn) return null;
  if (o.passcode.length < passcodeMin) return `A passcode has at least ${passcodeMin} characters.`;
  if (o.passcode.length > passcodeMax) return `A passcode has at most ${passcodeMax} characters.`;
  return null;
}

/** linkBody is the POST /links body: the defaults are left to the server. */
export function linkBody({ assetID, dealID, recipient, options = defaultOptions }) {
  const body = { asset_id: assetID };
  if (dealID) body.deal_id = dealID;
  const r = String(recipient ?? '').trim();
  if (r) body.recipient_email = r;
  if (options.requireEmail) body.require_email = true;
  if (options.passcodeOn && options.passcode) body.passcode = options.passcode;
  if (!options.allowDownload) body.allow_download = false;
  if (!options.notify) body.notify = false;
  return body;
}

/** summary says in a few words how a link is protected ("Email · Passcode"). */
export function summary(o) {
  const parts = [];
  if (o.requireEmail) parts.push('email required');
  if (o.passcodeOn) parts.push('passcode');
  if (!o.allowDownload) parts.push('no downloads');
  if (!o.notify) parts.push('no alerts');
  return parts.length ? parts.join(' · ') : 'anyone with the link, downloads on, alerts on';
}
