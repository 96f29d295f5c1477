// The rules a new password must meet, checked before the server is asked
// (the server checks them again).

export const minPasswordLength = 10;

export interface NewPasswordErrors {
  new_password?: string;
  confirm?: string;
}

/** checkNewPassword says what is wrong with a new password and its
 * confirmation, by field; an empty object means both are fine. */
export function checkNewPassword(next: string, confirm: string): NewPasswordErrors {
  const errs: NewPasswordErrors = {};
  if (next.length < minPasswordLength) errs.new_password = `Use at least ${minPasswordLength} characters.`;
  if (confirm !== next) errs.confirm = 'The two passwords do not match.';
  return errs;
}
