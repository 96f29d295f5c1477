import { describe, expect, it } from 'vitest';
import { checkNewPassword } from './password';

describe('checkNewPassword', () => {
  it('accepts ten characters typed twice', () => expect(checkNewPassword('0123456789', '0123456789')).toEqual({}));
  it('names a short password and a mismatch apart', () =>
    expect(checkNewPassword('short', 'shorter')).toEqual({
      new_password: 'Use at least 10 characters.',
      confirm: 'The two passwords do not match.',
    }));
});
