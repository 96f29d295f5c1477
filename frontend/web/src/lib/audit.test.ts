import { describe, expect, it } from 'vitest';
import { actionLabel, detailsText, parseAuditFilter } from './audit';

describe('audit filters', () => {
  it('reads known filters and drops malformed dates', () =>
    expect(parseAuditFilter(new URLSearchParams('tab=audit&actor=u1&action=user.disabled&from=2026-12-01&to=yesterday&x=1')))
      .toEqual({ actor: 'u1', action: 'user.disabled', from: '2026-12-01' }));
  it('labels actions, keeping unknown codes', () => {
    expect(actionLabel('auth.password_changed')).toBe('Password changed');
    expect(actionLabel('room.opened')).toBe('room.opened');
  });
  it('renders details as pairs', () =>
    expect(detailsText({ role: 'admin', changes: { from: 'rep' }, n: 2 })).toEqual([
      ['role', 'admin'], ['changes', '{"from":"rep"}'], ['n', '2'],
    ]));
});
