// The row's icons, the "Modify API Key" dialog and "Copy token".

import {
  alertRegion,
  blockKey,
  BLUE,
  copyToken,
  createKey,
  dialog,
  expect,
  initials,
  keyRow,
  middlePixel,
  near,
  openEdit,
  openKeys,
  pngFile,
  RED,
  statusRegion,
  test,
  TOKEN,
  uniqueName,
  webhookFor,
  watchErrors,
} from './helpers';
import type { Locator } from '@playwright/test';

/** How opaque `locator` looks: its opacity times that of every ancestor. */
const shownOpacity = (locator: Locator) =>
  locator.evaluate((el) => {
    let opacity = 1;
    for (let e: Element | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    return opacity;
  });

test.describe('Row icons', () => {
  test('Edit, Copy token and Options show on hover', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Hover');
    await createKey(page, { name });
    const row = keyRow(page, name);
    const icons = ['Edit', 'Copy token', 'Options'].map((n) => row.getByRole('button', { name: n, exact: true }));

    await page.mouse.move(0, 0);
    await page.getByRole('heading', { name: 'Keys', exact: true }).click(); // focus off the row
    for (const icon of icons) await expect.poll(() => shownOpacity(icon)).toBe(0);
    await row.hover();
    for (const icon of icons) await expect.poll(() => shownOpacity(icon)).toBe(1);
    await page.mouse.move(0, 0);
    for (const icon of icons) await expect.poll(() => shownOpacity(icon)).toBe(0);
  });

  test('the icons show when reached with the keyboard', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Keyboard Focus');
    await createKey(page, { name });
    await page.mouse.move(0, 0);
    const edit = keyRow(page, name).getByRole('button', { name: 'Edit', exact: true });
    await expect.poll(() => shownOpacity(edit)).toBe(0);

    // Tab from the search field into the list until the Edit icon has focus.
    await page.getByRole('searchbox', { name: 'Search', exact: true }).focus();
    for (let i = 0; i < 200 && !(await edit.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(edit).toBeFocused();
    await expect.poll(() => shownOpacity(edit)).toBe(1);
    await page.keyboard.press('Enter');
    await expect(dialog(page, 'Modify API Key')).toBeVisible();
  });
});

test.describe('Modify API Key dialog', () => {
  test('opens prefilled with the key', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Prefilled');
    await createKey(page, { name });

    const form = await openEdit(page, name);
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(name);
    await expect(form.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveValue(webhookFor(name));
    const accounts = form.getByRole('group', { name: 'Accounts', exact: true });
    await expect(accounts.getByRole('checkbox').first()).toBeChecked();
    await expect(form.getByLabel('Avatar', { exact: true })).toBeAttached();
    // No picture yet: nothing to remove.
    await expect(form.getByRole('checkbox', { name: 'Remove avatar', exact: true })).toHaveCount(0);
    await expect(form.getByRole('img', { name: 'Current avatar', exact: true })).toHaveCount(0);
    await expect(form.getByRole('button', { name: 'Modify', exact: true })).toBeEnabled();
    await expect(form.getByRole('button', { name: 'Cancel', exact: true })).toBeEnabled();
  });

  test('Modify saves the changes and says so', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Before');
    const renamed = uniqueName('After');
    const url = `https://changed.example.org/${renamed.split(' ')[1]}`;
    await createKey(page, { name });

    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(renamed);
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill(url);
    await form.getByRole('button', { name: 'Modify', exact: true }).click();

    await expect(form).toBeHidden();
    await expect(statusRegion(page)).toContainText('API key modified');
    await expect(keyRow(page, name)).toHaveCount(0);
    const row = keyRow(page, renamed);
    await expect(row).toBeVisible();
    await expect(row.getByText(url, { exact: true })).toBeVisible();

    // The dialog now opens with the saved values, also after a reload.
    await openKeys(page);
    const again = await openEdit(page, renamed);
    await expect(again.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(renamed);
    await expect(again.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveValue(url);
  });

  test('a key can be modified twice in a row', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Twice');
    await createKey(page, { name });
    for (const n of [1, 2]) {
      const form = await openEdit(page, name);
      await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill(`https://example.com/v${n}`);
      await form.getByRole('button', { name: 'Modify', exact: true }).click();
      await expect(form).toBeHidden();
      await expect(keyRow(page, name).getByText(`https://example.com/v${n}`, { exact: true })).toBeVisible();
    }
    await expect(alertRegion(page)).toHaveText('');
  });

  test('invalid changes are refused next to the field and nothing is saved', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Invalid Change');
    await createKey(page, { name });

    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('   ');
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('javascript:alert(1)');
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAccessibleDescription('Enter a name.');
    await expect(form.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveAccessibleDescription(
      'The webhook URL must start with http:// or https://.',
    );
    await expect(form).toBeVisible();

    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, name).getByText(webhookFor(name), { exact: true })).toBeVisible();
  });

  test('renaming to the name of another key is refused', async ({ page }) => {
    await openKeys(page);
    const taken = uniqueName('Taken');
    const name = uniqueName('Renamed');
    await createKey(page, { name: taken });
    await createKey(page, { name });

    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(taken);
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAccessibleDescription(
      `An API key named “${taken}” already exists.`,
    );
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(keyRow(page, name)).toHaveCount(1);
  });

  test('a key may keep its own name in another case', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('case change');
    await createKey(page, { name });
    const form = await openEdit(page, name);
    const shouted = name.toUpperCase();
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(shouted);
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, shouted)).toBeVisible();
  });

  test('an avatar can be added, replaced and removed', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Avatar Life');
    await createKey(page, { name });
    const row = keyRow(page, name);
    await expect(row.getByText(initials(name), { exact: true })).toBeVisible();

    // Add.
    let form = await openEdit(page, name);
    await form.getByLabel('Avatar', { exact: true }).setInputFiles(pngFile('red.png', RED));
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(statusRegion(page)).toContainText('API key modified');
    await expect(row.getByText(initials(name), { exact: true })).toHaveCount(0);
    form = await openEdit(page, name);
    const current = form.getByRole('img', { name: 'Current avatar', exact: true });
    const redSrc = await current.getAttribute('src');
    expect(near(await middlePixel(page, redSrc!), [...RED, 255])).toBe(true);

    // Replace.
    await form.getByLabel('Avatar', { exact: true }).setInputFiles(pngFile('blue.png', BLUE));
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    form = await openEdit(page, name);
    const blueSrc = await current.getAttribute('src');
    expect(blueSrc).not.toBe(redSrc);
    expect(near(await middlePixel(page, blueSrc!), [...BLUE, 255])).toBe(true);

    // Remove.
    await form.getByRole('checkbox', { name: 'Remove avatar', exact: true }).check();
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(row.getByText(initials(name), { exact: true })).toBeVisible();
    form = await openEdit(page, name);
    await expect(current).toHaveCount(0);
    await expect(form.getByRole('checkbox', { name: 'Remove avatar', exact: true })).toHaveCount(0);
  });

  test('modifying other fields keeps the avatar', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Keeps Avatar');
    await createKey(page, { name, avatar: pngFile('red.png', RED) });
    let form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('https://example.com/kept');
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    form = await openEdit(page, name);
    const src = await form.getByRole('img', { name: 'Current avatar', exact: true }).getAttribute('src');
    expect(near(await middlePixel(page, src!), [...RED, 255])).toBe(true);
  });

  test('modifying keeps the token and the blocked state', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Keeps Token');
    await createKey(page, { name });
    const before = await copyToken(page, name);
    await blockKey(page, name);

    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('https://example.com/still-blocked');
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, name).getByText('https://example.com/still-blocked', { exact: true })).toBeVisible();
    await expect(keyRow(page, name).getByRole('img', { name: 'Blocked', exact: true })).toBeVisible();
    expect(await copyToken(page, name)).toBe(before);
  });

  test('a change made in another tab meanwhile is not overwritten', async ({ page, context }) => {
    await openKeys(page);
    const name = uniqueName('Contested');
    await createKey(page, { name });

    const other = await context.newPage();
    const otherErrors: string[] = [];
    watchErrors(other, otherErrors);
    await openKeys(other);
    const otherForm = await openEdit(other, name);
    await otherForm.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('https://example.com/from-the-other-tab');
    await otherForm.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(statusRegion(other)).toContainText('API key modified');
    await page.bringToFront();

    // This page still shows the old version.
    const form = await openEdit(page, name);
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('https://example.com/from-this-tab');
    await form.getByRole('button', { name: 'Modify', exact: true }).click();
    await expect(alertRegion(page)).toContainText('changed in another tab');
    await expect(form).toBeHidden();
    // The list refreshed to what the other tab saved.
    await expect(keyRow(page, name).getByText('https://example.com/from-the-other-tab', { exact: true })).toBeVisible();
    expect(otherErrors).toEqual([]);
  });
});

test.describe('Copy token', () => {
  test('copies the key token to the clipboard and says so', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Copied');
    await createKey(page, { name });
    const token = await copyToken(page, name);
    expect(token).toMatch(TOKEN);
    // The token is never shown on the page.
    await expect(page.getByText(token)).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    // The same key always gives the same token.
    expect(await copyToken(page, name)).toBe(token);
  });

  test('every key has its own token', async ({ page }) => {
    await openKeys(page);
    const a = uniqueName('Token A');
    const b = uniqueName('Token B');
    await createKey(page, { name: a });
    await createKey(page, { name: b });
    expect(await copyToken(page, a)).not.toBe(await copyToken(page, b));
  });
});
