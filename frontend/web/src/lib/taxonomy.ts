import type { AssetType, FacetName, Taxonomy, Term } from '../api/types';

export const assetTypes: { key: AssetType; label: string }[] = [
  { key: 'pdf', label: 'PDF' },
  { key: 'deck', label: 'Deck' },
  { key: 'document', label: 'Document' },
  { key: 'spreadsheet', label: 'Spreadsheet' },
  { key: 'image', label: 'Image' },
  { key: 'video', label: 'Video' },
  { key: 'text', label: 'Text' },
  { key: 'link', label: 'Link' },
  { key: 'other', label: 'Other' },
];

/** terms returns the taxonomy's terms of a facet in display order. */
export function terms(tax: Taxonomy | undefined, facet: FacetName): Term[] {
  if (facet === 'types') return assetTypes.map((t, i) => ({ ...t, order: i }));
  const list = tax?.[facet] ?? [];
  return [...list].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));
}

/** label finds a key's label, falling back to a readable form of the key
 * (a key no longer in the taxonomy still shows sensibly). */
export function label(tax: Taxonomy | undefined, facet: FacetName, key: string): string {
  const t = terms(tax, facet).find((x) => x.key === key);
  return t ? t.label : humanize(key);
}

export function humanize(key: string): string {
  const s = key.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** keyFromLabel makes a taxonomy key from a label: "Economic buyer" →
 * "economic_buyer". */
export function keyFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
}
