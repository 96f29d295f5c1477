import { describe, expect, it } from 'vitest';
import { appPath, unreadLabel } from './notifications';

describe('appPath', () => {
  const origin = 'https://hub.acme.example';
  it('keeps the path of an app URL', () => {
    expect(appPath('https://hub.acme.example/links/l1?visit=v1', origin)).toBe('/links/l1?visit=v1');
  });
  it('opens app routes of another public address inside the app', () => {
    expect(appPath('http://localhost:8080/links/l1?visit=v1', origin)).toBe('/links/l1?visit=v1');
  });
  it('leaves outside URLs alone', () => {
    expect(appPath('https://evil.example/phish', origin)).toBeNull();
    expect(appPath('javascript:alert(1)', origin)).toBeNull();
    expect(appPath('', origin)).toBeNull();
  });
});

describe('unreadLabel', () => {
  it('says the count', () => {
    expect(unreadLabel(0)).toBe('Notifications, none unread');
    expect(unreadLabel(3)).toBe('Notifications, 3 unread');
    expect(unreadLabel(120)).toBe('Notifications, more than 99 unread');
  });
});
