// The deal picker's pure parts: labels, the hint under the list, and
// keeping the chosen deal listed while a search does not find it.

/** dealPage is how many open deals the picker loads at a time. */
export const dealPage = 50;

export function dealLabel(d) {
  return d.account && d.account !== d.name ? `${d.name} — ${d.account}` : d.name;
}

/** dealHint says what the list leaves out: nothing matches, or only some
 * of the deals are listed. */
export function dealHint({ q, shown, total }) {
  if (q && shown === 0) return `No open deal matches “${q}”.`;
  if (shown < total) return `Showing ${shown.toLocaleString()} of ${total.toLocaleString()} open deals: type to find others.`;
  return '';
}

/** withChosen lists the chosen deal first when the loaded deals lack it. */
export function withChosen(deals, chosen) {
  if (!chosen || deals.some((d) => d.id === chosen.id)) return deals;
  return [chosen, ...deals];
}
