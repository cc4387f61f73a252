// On a phone (390 CSS pixels wide) every page fits the screen: nothing,
// not even a long button label, makes the page scroll sideways.

import { expect, test } from './helpers';

test.use({ viewport: { width: 390, height: 844 } });

const pages: [string, string][] = [
  ['/keys', 'Keys'],
  ['/accounts', 'Accounts'],
  ['/activity', 'Activity'],
  ['/tokens', 'Management tokens'],
];

for (const [path, heading] of pages) {
  test(`${path} fits a 390 px wide screen`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, exact: true, level: 1 })).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, 'the page is as wide as the screen').toBeLessThanOrEqual(390);
  });
}
