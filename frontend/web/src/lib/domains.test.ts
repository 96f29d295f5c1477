import { describe, expect, it } from 'vitest';
import { badDomain, parseDomains } from './domains';

describe('parseDomains', () => {
  it('reads lines, commas and spaces', () => {
    expect(parseDomains('acme.com, @Acme.co.uk\nacme.com  eu.acme.com.')).toEqual(['acme.com', 'acme.co.uk', 'eu.acme.com']);
    expect(parseDomains('  ')).toEqual([]);
  });
});

describe('badDomain', () => {
  it('finds what is not a domain', () => {
    expect(badDomain(['acme.com', 'eu.acme.co.uk'])).toBeNull();
    expect(badDomain(['acme.com', 'localhost'])).toBe('localhost');
    expect(badDomain(['http://acme.com'])).toBe('http://acme.com');
  });
});
