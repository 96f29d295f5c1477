// The limits of an asset's title, description and tags, with the API's
// own messages: a form refuses what the server would refuse, in the same
// words, before sending it.

export const limits = { title: 300, description: 5000, tags: 50, tag: 60 } as const;

export type AssetTextField = 'title' | 'description' | 'tags';
export type FieldErrors = Partial<Record<AssetTextField | 'form', string>>;

/** chars counts characters as the server does: code points (Go's runes),
 * not UTF-16 units nor graphemes. */
export function chars(s: string): number {
  let n = 0;
  // The string iterator yields code points.
  for (const _ of s) n++; // eslint-disable-line @typescript-eslint/no-unused-vars
  return n;
}

/** validateAssetText checks a title, description and tags as the API's
 * PATCH /assets/{id} does, returning its message for each field that
 * breaks a rule. */
export function validateAssetText(v: { title?: string; description?: string; tags?: string[] }): FieldErrors {
  const errs: FieldErrors = {};
  if (v.title !== undefined) {
    const t = v.title.trim();
    if (!t) errs.title = 'title must not be empty.';
    else if (chars(t) > limits.title) errs.title = `title must be at most ${limits.title} characters.`;
  }
  if (v.description !== undefined && chars(v.description.trim()) > limits.description) {
    errs.description = `description must be at most ${limits.description} characters.`;
  }
  if (v.tags !== undefined) {
    const tags = cleanTags(v.tags);
    const long = tags.find((t) => chars(t) > limits.tag);
    if (tags.length > limits.tags) errs.tags = `tags: at most ${limits.tags} tags.`;
    else if (long !== undefined) errs.tags = `tags: ${JSON.stringify(long)} is longer than ${limits.tag} characters.`;
  }
  return errs;
}

/** cleanTags trims tags and drops empty ones and repeats, keeping order,
 * as the server does. */
export function cleanTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = raw.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** splitTags reads what was typed into a tag box: commas separate tags. */
export function splitTags(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

/** fieldOf says which field a server error is about: the field its
 * details name, else the field its message starts with. */
export function fieldOf(field: string | undefined, message: string): AssetTextField | 'form' {
  for (const f of ['title', 'description', 'tags'] as const) {
    if (field === f || message.startsWith(`${f} `) || message.startsWith(`${f}:`)) return f;
  }
  return 'form';
}
