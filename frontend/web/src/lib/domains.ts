/** parseDomains reads a list of email domains typed one per line or
 * separated by commas or spaces: lower-cased, "@" and duplicates dropped. */
export function parseDomains(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const d = raw.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** badDomain names the first entry that is not a domain name, or null. */
export function badDomain(domains: string[]): string | null {
  const re = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
  return domains.find((d) => !re.test(d)) ?? null;
}
