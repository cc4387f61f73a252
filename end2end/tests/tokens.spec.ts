// The Tokens page (issue 11): management tokens are made here, shown once,
// used by a backend against the management API, and revoked.

import { dialog, expect, keyRow, openKeys, statusRegion, test, uniqueName } from './helpers';
import type { Page } from '@playwright/test';

const MANAGEMENT_TOKEN = /^khm_[0-9A-Za-z]{38}$/;
const heading = (page: Page) => page.getByRole('heading', { name: 'Management tokens', exact: true, level: 1 });
const tokenList = (page: Page) => page.getByRole('list', { name: 'Management tokens', exact: true });
const createTokenButton = (page: Page) => page.getByRole('button', { name: 'Create management token', exact: true });
const tokenRow = (page: Page, name: string) =>
  tokenList(page).getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });

/** Opens /tokens from the top bar and waits until its buttons answer clicks (hydrated). */
async function openTokens(page: Page): Promise<void> {
  await page.goto('/keys');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Tokens', exact: true }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await expect(heading(page)).toBeVisible();
  const form = dialog(page, 'New management token');
  await expect(async () => {
    await createTokenButton(page).click();
    await expect(form).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000, intervals: [100, 200, 250] });
  await form.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(form).toBeHidden();
}

/** Creates a read-and-write token called `name` and returns it, read from the dialog that shows it once. */
async function createToken(page: Page, name: string): Promise<string> {
  await createTokenButton(page).click();
  const form = dialog(page, 'New management token');
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await form.getByRole('radiogroup', { name: 'Access' }).getByRole('radio', { name: 'Read and write', exact: true }).check();
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  const created = dialog(page, 'Management token created');
  await expect(created).toBeVisible();
  await expect(created).toContainText('will not be shown again');
  await expect(statusRegion(page)).toContainText('Management token created');
  const token = await created.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
  expect(token).toMatch(MANAGEMENT_TOKEN);
  await page.evaluate(() => navigator.clipboard.writeText('nothing copied yet'));
  await created.getByRole('button', { name: 'Copy token', exact: true }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await created.getByRole('button', { name: 'Done', exact: true }).click();
  await expect(created).toBeHidden();
  return token;
}

test('a token made on the Tokens page creates a key through the API, is named on the Activity page, and stops working when revoked', async ({
  page,
}) => {
  await openTokens(page);
  const tokenName = uniqueName('Billing backend');
  const token = await createToken(page, tokenName);
  const row = tokenRow(page, tokenName);
  await expect(row).toContainText('Read and write');
  await expect(row).toContainText('last used never');

  // The backend's side: plain HTTP with the token.
  const auth = { Authorization: `Bearer ${token}` };
  const accounts = await page.request.get('/api/v1/accounts', { headers: auth });
  expect(accounts.status()).toBe(200);
  const account = (await accounts.json()).items.find((a: { name: string }) => a.name === 'Default');
  const keyName = uniqueName('Signup');
  const created = await page.request.post('/api/v1/keys', {
    headers: auth,
    // A closed port on loopback: the webhook worker sends nothing off this machine.
    data: { name: keyName, webhookUrl: 'http://127.0.0.1:59999/signup', accounts: [account.id] },
  });
  expect(created.status()).toBe(201);
  expect((await created.json()).token).toMatch(/^kh_[0-9A-Za-z]{38}$/);

  await openKeys(page, keyName);
  await expect(keyRow(page, keyName)).toBeVisible();
  await page.goto('/activity');
  const entry = page
    .getByRole('list', { name: 'Activity' })
    .getByRole('listitem')
    .filter({ hasText: keyName })
    .filter({ hasText: 'Created key' });
  await expect(entry).toContainText(`token ${tokenName}`);

  await openTokens(page);
  await tokenRow(page, tokenName).getByRole('button', { name: 'Revoke', exact: true }).click();
  const confirm = dialog(page, 'Revoke management token');
  await expect(confirm).toContainText(tokenName);
  await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(statusRegion(page)).toContainText('Management token revoked');
  await expect(tokenRow(page, tokenName)).toHaveCount(0);
  const refused = await page.request.get('/api/v1/accounts', { headers: auth });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});

test('the new token dialog shows each field’s message and keeps what was typed', async ({ page }) => {
  await openTokens(page);
  await createTokenButton(page).click();
  const form = dialog(page, 'New management token');
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('   ');
  await form.getByLabel('Expires').fill('2001-01-01');
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(form.getByText('Enter a name.', { exact: true })).toBeVisible();
  await expect(form.getByText('Choose a date after today.', { exact: true })).toBeVisible();
  await expect(form.getByRole('radio', { name: 'Read only', exact: true })).toBeChecked();
  await form.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(form).toBeHidden();
});
