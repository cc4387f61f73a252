// The Activity page: every change, who made it, filterable by key (issue 5).

import { blockKey, createKey, expect, openEdit, openKeys, statusRegion, test, uniqueName } from './helpers';

const email = process.env.E2E_EMAIL ?? '';

test('changes made on the Keys page appear newest first with the operator and before/after', async ({ page }) => {
  await openKeys(page);
  const name = uniqueName('Audited');
  await createKey(page, { name });
  const form = await openEdit(page, name);
  await form.getByLabel('Name').fill(`${name} v2`);
  await form.getByRole('button', { name: 'Modify', exact: true }).click();
  await expect(statusRegion(page)).toContainText('API key modified');
  await blockKey(page, `${name} v2`);

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await page.getByLabel('Key').selectOption({ label: `${name} v2` });
  await expect(page).toHaveURL(/\/activity\?key=/);

  const entries = page.getByRole('list', { name: 'Activity' }).getByRole('listitem').filter({ hasText: email });
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText('Blocked key');
  await expect(entries.nth(1)).toContainText('Modified key');
  await expect(entries.nth(1).getByRole('list', { name: 'Changes' })).toContainText(`Name: ${name} → ${name} v2`);
  await expect(entries.nth(2)).toContainText('Created key');

  await page.getByLabel('Key').selectOption({ label: 'All keys' });
  await expect(page).toHaveURL(/\/activity$/);
  await expect(page.getByRole('list', { name: 'Activity' }).getByText('Signed in').first()).toBeVisible();
});
