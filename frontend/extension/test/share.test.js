import { describe, expect, it } from 'vitest';
import { checkPasscode, defaultOptions, linkBody, summary } from '../src/share.js';

describe('linkBody', () => {
  it('leaves the defaults to the server', () => {
    expect(linkBody({ assetID: 'a1', dealID: '', recipient: '  ' })).toEqual({ asset_id: 'a1' });
  });
  it('sends the options chosen', () => {
    const options = { requireEmail: true, passcodeOn: true, passcode: 'open-sesame', allowDownload: false, notify: false };
    expect(linkBody({ assetID: 'a1', dealID: 'd1', recipient: ' cio@acme.example ', options })).toEqual({
      asset_id: 'a1', deal_id: 'd1', recipient_email: 'cio@acme.example',
      require_email: true, passcode: 'open-sesame', allow_download: false, notify: false,
    });
  });
  it('sends no passcode when protection is off', () => {
    expect(linkBody({ assetID: 'a1', options: { ...defaultOptions, passcode: 'left-over' } })).toEqual({ asset_id: 'a1' });
  });
});

describe('checkPasscode', () => {
  it.each([
    [{ ...defaultOptions }, null],
    [{ ...defaultOptions, passcodeOn: true, passcode: 'abc' }, /at least 4/],
    [{ ...defaultOptions, passcodeOn: true, passcode: 'x'.repeat(129) }, /at most 128/],
    [{ ...defaultOptions, passcodeOn: true, passcode: 'abcd' }, null],
  ])('%o', (o, want) => (want ? expect(checkPasscode(o)).toMatch(want) : expect(checkPasscode(o)).toBeNull()));
});

describe('summary', () => {
  it('says how the link is protected', () => {
    expect(summary(defaultOptions)).toMatch(/anyone with the link/);
    expect(summary({ ...defaultOptions, requireEmail: true, passcodeOn: true, allowDownload: false })).toBe('email required · passcode · no downloads');
  });
});
