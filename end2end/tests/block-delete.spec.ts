// The Options menu: Block, Unblock and Delete, also when another tab got
// there first.

import {
  alertRegion,
  blockKey,
  createKey,
  deleteKey,
  dialog,
  expect,
  keyRow,
  openEdit,
  openKeys,
  openOptions,
  statusRegion,
  test,
  uniqueName,
  watchErrors,
} from './helpers';
import type { BrowserContext, Page } from '@playwright/test';

const blockedDot = (page: Page, name: string) => keyRow(page, name).getByRole('img', { name: 'Blocked', exact: true });

/** A second tab on the Keys page, as another operator would have. */
async function secondTab(context: BrowserContext): Promise<{ other: Page; otherErrors: string[] }> {
  const other = await context.newPage();
  const otherErrors: string[] = [];
  watchErrors(other, otherErrors);
  await openKeys(other);
  return { other, otherErrors };
}

test.describe('Options menu', () => {
  test('offers Block and Delete', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Menu');
    await createKey(page, { name });

    const trigger = keyRow(page, name).getByRole('button', { name: 'Options', exact: true });
    await expect(trigger).toHaveAttribute('aria-haspopup', 'menu');
    await expect(trigger).toHaveAttribute('aria-expanded', 'false');
    const menu = await openOptions(page, name);
    await expect(trigger).toHaveAttribute('aria-expanded', 'true');
    const block = menu.getByRole('menuitem', { name: 'Block', exact: true });
    const del = menu.getByRole('menuitem', { name: 'Delete', exact: true });
    await expect(block).toBeVisible();
    await expect(del).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: 'Unblock', exact: true })).toHaveCount(0);
    // Block comes first and Delete last; focus moves into the menu, and the
    // arrow keys move through it, wrapping around.
    await expect(menu.getByRole('menuitem').first()).toHaveText('Block');
    await expect(menu.getByRole('menuitem').last()).toHaveText('Delete');
    await expect(block).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(del).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(block).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(block).not.toBeFocused();
    await expect(menu.getByRole('menuitem').nth(1)).toBeFocused();
  });

  test('Escape and a click elsewhere close the menu', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Menu Close');
    await createKey(page, { name });
    const trigger = keyRow(page, name).getByRole('button', { name: 'Options', exact: true });

    const menu = await openOptions(page, name);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(trigger).toBeFocused();
    await expect(trigger).toHaveAttribute('aria-expanded', 'false');

    await openOptions(page, name);
    await page.getByRole('heading', { name: 'Keys', exact: true }).click();
    await expect(menu).toBeHidden();
  });
});

test.describe('Block and unblock', () => {
  test('Block asks first; Cancel leaves the key alone', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Not Blocked');
    await createKey(page, { name });

    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Block', exact: true }).click();
    const confirm = dialog(page, 'Block API Key');
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(name);
    await expect(confirm.getByRole('button', { name: 'Block', exact: true })).toBeVisible();
    await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(confirm).toBeHidden();
    await expect(blockedDot(page, name)).toHaveCount(0);

    await page.reload();
    await expect(keyRow(page, name)).toBeVisible();
    await expect(blockedDot(page, name)).toHaveCount(0);
  });

  test('Block marks the key with a red dot and says so', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Blocked');
    await createKey(page, { name });
    await expect(blockedDot(page, name)).toHaveCount(0);

    await blockKey(page, name);
    await expect(blockedDot(page, name)).toBeVisible();
    // A red dot.
    const [r, g, b] = (await blockedDot(page, name).evaluate((el) => getComputedStyle(el).backgroundColor))
      .match(/\d+/g)!
      .map(Number);
    expect(r).toBeGreaterThan(150);
    expect(Math.max(g, b)).toBeLessThan(100);

    // Still blocked after a reload; the menu now offers Unblock.
    await openKeys(page);
    await expect(blockedDot(page, name)).toBeVisible();
    const menu = await openOptions(page, name);
    await expect(menu.getByRole('menuitem', { name: 'Unblock', exact: true })).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: 'Block', exact: true })).toHaveCount(0);
    await expect(menu.getByRole('menuitem', { name: 'Delete', exact: true })).toBeVisible();
  });

  test('Unblock needs no confirmation and removes the red dot', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Unblocked');
    await createKey(page, { name });
    await blockKey(page, name);

    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Unblock', exact: true }).click();
    await expect(statusRegion(page)).toContainText('API key unblocked');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(blockedDot(page, name)).toHaveCount(0);

    const again = await openOptions(page, name);
    await expect(again.getByRole('menuitem', { name: 'Block', exact: true })).toBeVisible();
    await expect(again.getByRole('menuitem', { name: 'Unblock', exact: true })).toHaveCount(0);
  });

  test('blocking only marks that key', async ({ page }) => {
    await openKeys(page);
    const blocked = uniqueName('Only This');
    const other = uniqueName('Not This');
    await createKey(page, { name: other });
    await createKey(page, { name: blocked });
    await blockKey(page, blocked);
    await expect(blockedDot(page, blocked)).toBeVisible();
    await expect(blockedDot(page, other)).toHaveCount(0);
  });
});

test.describe('Delete', () => {
  test('Delete asks first; Cancel keeps the key', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Kept');
    await createKey(page, { name });

    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
    const confirm = dialog(page, 'Delete API Key');
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(name);
    await expect(confirm.getByRole('button', { name: 'Delete', exact: true })).toBeVisible();
    await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(confirm).toBeHidden();
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('Delete removes the key and says so', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Deleted');
    await createKey(page, { name });
    await deleteKey(page, name);
    await openKeys(page);
    await expect(keyRow(page, name)).toHaveCount(0);
  });

  test('a blocked key can be deleted', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Blocked Then Deleted');
    await createKey(page, { name });
    await blockKey(page, name);
    await deleteKey(page, name);
  });

  test('the name of a deleted key can be used again', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Reused');
    await createKey(page, { name });
    await deleteKey(page, name);
    await createKey(page, { name });
  });
});

test.describe('A key deleted in another tab', () => {
  async function deletedElsewhere(page: Page, context: BrowserContext) {
    await openKeys(page);
    const name = uniqueName('Gone');
    await createKey(page, { name });
    const { other, otherErrors } = await secondTab(context);
    await deleteKey(other, name);
    expect(otherErrors).toEqual([]);
    await page.bringToFront();
    // This page has not heard of it.
    await expect(keyRow(page, name)).toBeVisible();
    return name;
  }

  test('Edit → Modify says it no longer exists and refreshes the list', async ({ page, context }) => {
    const name = await deletedElsewhere(page, context);
    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('http://127.0.0.1:65000/too-late');
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(alertRegion(page)).toContainText('no longer exists');
    await expect(form).toBeHidden();
    await expect(keyRow(page, name)).toHaveCount(0);
    await expect(statusRegion(page)).not.toContainText('API key modified');
  });

  test('Block says it no longer exists and refreshes the list', async ({ page, context }) => {
    const name = await deletedElsewhere(page, context);
    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Block', exact: true }).click();
    const confirm = dialog(page, 'Block API Key');
    await confirm.getByRole('button', { name: 'Block', exact: true }).click();
    await expect(alertRegion(page)).toContainText('no longer exists');
    await expect(confirm).toBeHidden();
    await expect(keyRow(page, name)).toHaveCount(0);
    await expect(statusRegion(page)).not.toContainText('API key blocked');
  });

  test('Copy token says it no longer exists', async ({ page, context }) => {
    const name = await deletedElsewhere(page, context);
    const row = keyRow(page, name);
    await row.hover();
    await row.getByRole('button', { name: 'Copy token', exact: true }).click();
    await expect(alertRegion(page)).toContainText('no longer exists');
    await expect(keyRow(page, name)).toHaveCount(0);
    await expect(statusRegion(page)).not.toContainText('API key token copied');
  });

  test('Delete says it no longer exists', async ({ page, context }) => {
    const name = await deletedElsewhere(page, context);
    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
    await dialog(page, 'Delete API Key').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(alertRegion(page)).toContainText('no longer exists');
    await expect(keyRow(page, name)).toHaveCount(0);
  });
});

test.describe('A key blocked in another tab', () => {
  test('blocking it again says so and shows the current state', async ({ page, context }) => {
    await openKeys(page);
    const name = uniqueName('Blocked Twice');
    await createKey(page, { name });
    const { other, otherErrors } = await secondTab(context);
    await blockKey(other, name);
    expect(otherErrors).toEqual([]);
    await page.bringToFront();

    await expect(blockedDot(page, name)).toHaveCount(0);
    const menu = await openOptions(page, name);
    await menu.getByRole('menuitem', { name: 'Block', exact: true }).click();
    await dialog(page, 'Block API Key').getByRole('button', { name: 'Block', exact: true }).click();
    await expect(alertRegion(page)).toContainText('already blocked');
    await expect(blockedDot(page, name)).toBeVisible();
  });
});
