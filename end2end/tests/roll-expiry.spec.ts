// Roll token, expiry and "last used" on the Keys page, checked against the
// verification API the keys exist for.

import { execFileSync } from 'node:child_process';
import type { APIRequestContext, Page } from '@playwright/test';
import { copyToken, createKey, dialog, expect, keyRow, openEdit, openKeys, openOptions, statusRegion, test, TOKEN, uniqueName } from './helpers';

async function verify(request: APIRequestContext, token: string): Promise<string> {
  const reply = await request.post('/api/v1/keys/verify', { data: { key: token } });
  expect(reply.status()).toBe(200);
  return (await reply.json()).code;
}

async function roll(page: Page, name: string, grace: string): Promise<string> {
  const menu = await openOptions(page, name);
  await menu.getByRole('menuitem', { name: 'Roll token', exact: true }).click();
  const roller = dialog(page, 'Roll API Key Token');
  await expect(roller).toBeVisible();
  await roller.getByRole('radio', { name: grace }).check();
  await roller.getByRole('button', { name: 'Roll token', exact: true }).click();
  await expect(statusRegion(page)).toContainText('API key token rolled');
  const shown = roller.getByRole('textbox', { name: 'New token', exact: true });
  await expect(shown).toHaveValue(TOKEN);
  const token = await shown.inputValue();
  await roller.getByRole('button', { name: 'Copy new token', exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await roller.getByRole('button', { name: 'Done', exact: true }).click();
  await expect(roller).toBeHidden();
  return token;
}

/** A date `days` from today (UTC), as the date field takes it. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('rolling with a grace period keeps the old token working and copies the new one afterwards', async ({ page, request }) => {
  const name = uniqueName('Rolled');
  await openKeys(page);
  await createKey(page, { name });
  const old = await copyToken(page, name);

  const fresh = await roll(page, name, '1 hour');

  expect(fresh).not.toBe(old);
  expect(await verify(request, old)).toBe('VALID');
  expect(await verify(request, fresh)).toBe('VALID');
  expect(await copyToken(page, name)).toBe(fresh);
});

test('rolling without a grace period stops the old token at once', async ({ page, request }) => {
  const name = uniqueName('Rolled now');
  await openKeys(page);
  await createKey(page, { name });
  const old = await copyToken(page, name);

  const fresh = await roll(page, name, 'None: the old token stops at once');

  expect(await verify(request, old)).toBe('NOT_FOUND');
  expect(await verify(request, fresh)).toBe('VALID');
});

test('cancelling a roll keeps the token', async ({ page, request }) => {
  const name = uniqueName('Not rolled');
  await openKeys(page);
  await createKey(page, { name });
  const old = await copyToken(page, name);

  const menu = await openOptions(page, name);
  await menu.getByRole('menuitem', { name: 'Roll token', exact: true }).click();
  const roller = dialog(page, 'Roll API Key Token');
  await roller.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(roller).toBeHidden();

  expect(await copyToken(page, name)).toBe(old);
  expect(await verify(request, old)).toBe('VALID');
});

test('a key with an expiry date says when it expires, and modify can remove the date', async ({ page }) => {
  const name = uniqueName('Expiring');
  await openKeys(page);
  await createKey(page, { name });
  const form = await openEdit(page, name);
  await form.getByLabel('Expires', { exact: false }).fill(inDays(3));
  await form.getByRole('button', { name: 'Modify', exact: true }).click();
  await expect(statusRegion(page)).toContainText('API key modified');
  await expect(keyRow(page, name)).toContainText(/Expires in [23] days/);

  const again = await openEdit(page, name);
  await again.getByLabel('Expires', { exact: false }).fill('');
  await again.getByRole('button', { name: 'Modify', exact: true }).click();
  await expect(dialog(page, 'Modify API Key')).toBeHidden();
  await expect(keyRow(page, name)).not.toContainText('Expires');
});

test('an expiry date of today is refused next to the field', async ({ page }) => {
  const name = uniqueName('Today');
  await openKeys(page);
  await createKey(page, { name });
  const form = await openEdit(page, name);
  await form.getByLabel('Expires', { exact: false }).fill(inDays(0));
  await form.getByRole('button', { name: 'Modify', exact: true }).click();
  await expect(form.getByText('Choose a date after today.')).toBeVisible();
});

test('an expired key says so in the list and fails verification', async ({ page, request }) => {
  const database = process.env.E2E_DATABASE_URL;
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');
  const name = uniqueName('Expired');
  await openKeys(page);
  await createKey(page, { name });
  const token = await copyToken(page, name);
  // No date in the past can be chosen in the page: move it there directly.
  execFileSync('psql', [database!, '-qc', `UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE name = '${name}'`]);

  await page.reload();
  await expect(keyRow(page, name)).toContainText('Expired');
  expect(await verify(request, token)).toBe('EXPIRED');
});

test('a new key was never used; after a verification it was used just now', async ({ page, request }) => {
  const name = uniqueName('Used');
  await openKeys(page);
  await createKey(page, { name });
  await expect(keyRow(page, name)).toContainText('Never used');
  const token = await copyToken(page, name);

  expect(await verify(request, token)).toBe('VALID');

  // Uses are written in batches every few seconds.
  await expect(async () => {
    await page.reload();
    await expect(keyRow(page, name)).toContainText('Last used just now', { timeout: 1_000 });
  }).toPass({ timeout: 20_000, intervals: [1_000, 2_000] });
});
