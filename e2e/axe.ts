// axe in the e2e suite: the page as it is now (frames included), its violations counted by impact
// and printed (the counts the closing notes quote), the serious and critical ones returned by rule.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export async function axe(page: Page, name: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const count = (impact: string) =>
    violations.filter((v) => v.impact == impact).reduce((n, v) => n + v.nodes.length, 0);
  console.log(
    `axe ${name}: critical ${count('critical')}, serious ${count('serious')}, moderate ${count('moderate')}, minor ${count('minor')}` +
      (violations.length ? ` (${violations.map((v) => `${v.id} ×${v.nodes.length}`).join(', ')})` : ''),
  );
  return violations
    .filter((v) => v.impact == 'serious' || v.impact == 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
