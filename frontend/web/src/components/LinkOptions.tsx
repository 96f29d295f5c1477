import { useId } from 'react';
import { ApiError } from '../api/client';
import type { LinkOptions } from '../api/endpoints';
import type { Link } from '../api/types';

/** LinkOptionValues is what the sharer chose for a link's protection. */
export interface LinkOptionValues {
  require_email: boolean;
  /** Whether the link is (to be) protected by a passcode. */
  passcode_on: boolean;
  /** A new passcode; empty keeps the one set (when editing). */
  passcode: string;
  allow_download: boolean;
  notify: boolean;
}

export const defaultLinkOptions: LinkOptionValues = {
  require_email: false, passcode_on: false, passcode: '', allow_download: true, notify: true,
};

export const passcodeMin = 4;
export const passcodeMax = 128;

/** checkPasscode says what is wrong with a new passcode, or null. */
export function checkPasscode(o: LinkOptionValues, hasPasscode = false): string | null {
  if (!o.passcode_on) return null;
  if (!o.passcode && hasPasscode) return null;
  if (o.passcode.length < passcodeMin) return `A passcode has at least ${passcodeMin} characters.`;
  if (o.passcode.length > passcodeMax) return `A passcode has at most ${passcodeMax} characters.`;
  return null;
}

/** fieldError is the server's message when it names the field. */
export function fieldError(err: unknown, ...fields: string[]): string | null {
  return err instanceof ApiError && err.field && fields.includes(err.field) ? err.message : null;
}

/** FieldError is a field's error, announced and tied to its input. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  if (!message) return null;
  return <span className="err" id={id} role="alert">{message}</span>;
}

/** LinkOptionsFields are the protection and alert options of a link: in
 * the share dialog and on the link's page. With hasPasscode (editing a
 * protected link) an empty passcode keeps the one set. */
export function LinkOptionsFields({ value, onChange, hasPasscode = false, error, passcodeError }: {
  value: LinkOptionValues;
  onChange: (v: LinkOptionValues) => void;
  hasPasscode?: boolean;
  /** The server's refusal, shown next to the field it names. */
  error?: unknown;
  /** A passcode problem found before asking the server. */
  passcodeError?: string | null;
}) {
  const id = useId();
  const set = <K extends keyof LinkOptionValues>(k: K, v: LinkOptionValues[K]) => onChange({ ...value, [k]: v });
  const pcErr = passcodeError ?? fieldError(error, 'passcode');
  const toggle = (k: 'require_email' | 'allow_download' | 'notify', label: string, hint: string) => {
    const err = fieldError(error, k);
    return (
      <div className="check-field">
        <label>
          <input type="checkbox" checked={value[k]} onChange={(e) => set(k, e.target.checked)}
            aria-describedby={`${id}-${k}-hint${err ? ` ${id}-${k}-err` : ''}`} />
          <span>{label}</span>
        </label>
        <span className="hint" id={`${id}-${k}-hint`}>{hint}</span>
        <FieldError id={`${id}-${k}-err`} message={err} />
      </div>
    );
  };
  return (
    <fieldset className="link-options">
      <legend>Protection and alerts</legend>
      {toggle('require_email', 'Require email to view', 'Visitors give their email before the document opens.')}
      <div className="check-field">
        <label>
          <input type="checkbox" checked={value.passcode_on}
            onChange={(e) => onChange({ ...value, passcode_on: e.target.checked, passcode: e.target.checked ? value.passcode : '' })} />
          <span>Protect with a passcode</span>
        </label>
        {value.passcode_on && (
          <>
            <label className="sr-only" htmlFor={`${id}-pc`}>Passcode</label>
            <input id={`${id}-pc`} className="input" type="password" autoComplete="new-password" value={value.passcode}
              placeholder={hasPasscode ? 'Passcode set — type to change it' : `At least ${passcodeMin} characters`}
              maxLength={passcodeMax} aria-invalid={pcErr ? true : undefined}
              aria-describedby={pcErr ? `${id}-pc-err` : `${id}-pc-hint`} onChange={(e) => set('passcode', e.target.value)} />
            {!pcErr && (
              <span className="hint" id={`${id}-pc-hint`}>
                {hasPasscode ? 'Leave empty to keep the passcode set. ' : ''}Send it to the recipient separately.
              </span>
            )}
            <FieldError id={`${id}-pc-err`} message={pcErr} />
          </>
        )}
        {!value.passcode_on && hasPasscode && <span className="hint">Saving removes the passcode.</span>}
      </div>
      {toggle('allow_download', 'Allow downloads', 'Without it the document can be read but not downloaded.')}
      {toggle('notify', 'Notify me when opened', 'A notification for each visit, by email and in Stagecraft.')}
    </fieldset>
  );
}

/** createOptions is the options of a new link, leaving out the defaults
 * the server applies anyway. */
export function createOptions(o: LinkOptionValues): LinkOptions {
  const out: LinkOptions = {};
  if (o.require_email) out.require_email = true;
  if (o.passcode_on && o.passcode) out.passcode = o.passcode;
  if (!o.allow_download) out.allow_download = false;
  if (!o.notify) out.notify = false;
  return out;
}

/** patchOptions is the change to an existing link: every switch, a new
 * passcode when typed, and null to remove a passcode switched off. */
export function patchOptions(o: LinkOptionValues, hasPasscode: boolean): LinkOptions {
  const out: LinkOptions = { require_email: o.require_email, allow_download: o.allow_download, notify: o.notify };
  if (o.passcode_on && o.passcode) out.passcode = o.passcode;
  else if (!o.passcode_on && hasPasscode) out.passcode = null;
  return out;
}

/** optionsOf reads a link's current options into the form. */
export function optionsOf(l: Link): LinkOptionValues {
  return {
    require_email: !!l.require_email, passcode_on: !!l.has_passcode, passcode: '',
    allow_download: l.allow_download ?? true, notify: l.notify ?? true,
  };
}
