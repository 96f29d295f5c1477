// Accessibility checks with axe-core in a real browser: the WCAG 2.1 A and
// AA rules, failing on any violation axe rates serious or critical.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';

/** describeViolation says what broke and where, so a failure names the
 * rule, the elements and how to fix it. */
function describeViolation(v) {
  const where = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`);
  return `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${where.join('\n')}`;
}

/** checkA11y runs axe on the page (or the part of it that include
 * selects) and fails the test on serious or critical violations. */
export async function checkA11y(page, name, { include, exclude } = {}) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder = builder.include(include);
  if (exclude) builder = builder.exclude(exclude);
  const result = await builder.analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `${name}: ${bad.length} serious or critical accessibility violations\n${bad.map(describeViolation).join('\n')}`);
  return result;
}
