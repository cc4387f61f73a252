// Names with HTML or script in them are shown as text everywhere, and no
// script of theirs ever runs (issue 5).

import { createKey, dialog, expect, keyRow, openAccounts, openEdit, openKeys, openOptions, suffix, test } from './helpers';

const payloads = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>'];

test('keys and accounts named like HTML render as text in every view', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const tag = suffix();
  const names = payloads.map((p) => `${p} ${tag}`);

  // Accounts page: an account named like HTML (once its buttons answer clicks).
  await openAccounts(page);
  for (const name of names) {
    await page.getByRole('button', { name: 'Create account' }).click();
    const form = dialog(page, 'New Account');
    await form.getByLabel('Name').fill(`${name} account`);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form).toBeHidden();
    await expect(page.getByText(`${name} account`, { exact: true })).toBeVisible();
  }

  // Keys page: list, search suggestions, modify and delete dialogs.
  await openKeys(page);
  for (const name of names) {
    await createKey(page, { name });
    await expect(keyRow(page, name)).toBeVisible();
  }
  await page.getByRole('searchbox', { name: 'Search' }).fill(tag);
  await expect(page.getByRole('listbox', { name: 'Matching keys' }).getByRole('option', { name: names[0] })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search' }).fill('');

  const form = await openEdit(page, names[1]);
  await expect(form.getByLabel('Name')).toHaveValue(names[1]);
  await form.getByRole('button', { name: 'Cancel' }).click();

  const menu = await openOptions(page, names[0]);
  await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
  const confirm = dialog(page, 'Delete API Key');
  await expect(confirm).toContainText(names[0]);
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // The page after a full reload (server-rendered) and the Activity page.
  await page.reload();
  await expect(keyRow(page, names[0])).toBeVisible();
  await page.goto('/activity');
  const log = page.getByRole('list', { name: 'Activity' });
  await expect(log.getByText(names[1], { exact: true }).first()).toBeVisible();
  await expect(log.getByText(`${names[0]} account`, { exact: true }).first()).toBeVisible();

  // No element came from the names: no stray <img src=x>, no alert.
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});
