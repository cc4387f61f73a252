// The Accounts page: create, rename and delete accounts, and the links
// between it and the Keys page.

import {
  alertRegion,
  createButton,
  dialog,
  expect,
  fillKeyForm,
  keyRow,
  keysHeading,
  openAccounts,
  openKeys,
  statusRegion,
  test,
  uniqueName,
  watchErrors,
  webhookFor,
} from './helpers';
import type { Page } from '@playwright/test';

const accountsHeading = (page: Page) => page.getByRole('heading', { name: 'Accounts', exact: true, level: 1 });
const accountList = (page: Page) => page.getByRole('list', { name: 'Accounts', exact: true });
const createAccountButton = (page: Page) => page.getByRole('button', { name: 'Create account', exact: true });
const navLink = (page: Page, name: string) => page.getByRole('link', { name, exact: true });

/** The row of the account called `name`. */
const accountRow = (page: Page, name: string) =>
  accountList(page).getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });

/** Creates an account through the "New Account" dialog and waits until it is listed. */
async function createAccount(page: Page, name: string): Promise<void> {
  await createAccountButton(page).click();
  const form = dialog(page, 'New Account');
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(form).toBeHidden();
  await expect(statusRegion(page)).toContainText('Account created');
  await expect(accountRow(page, name)).toBeVisible();
}

/** Creates a key on the Keys page granting only the account called `account`. */
async function createKeyFor(page: Page, name: string, account: string): Promise<void> {
  await createButton(page).click();
  const form = dialog(page, 'New API Key');
  await fillKeyForm(form, { name, webhookUrl: webhookFor(name) });
  await form.getByRole('group', { name: 'Accounts', exact: true }).getByRole('checkbox', { name: account, exact: true }).check();
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(form).toBeHidden();
  await expect(statusRegion(page)).toContainText('API key created');
  await expect(keyRow(page, name)).toBeVisible();
}

test.describe('Accounts page', () => {
  test('is linked from the Keys page, and links back', async ({ page }) => {
    await openKeys(page);
    await navLink(page, 'Accounts').click();
    await expect(page).toHaveURL(/\/accounts$/);
    await expect(accountsHeading(page)).toBeVisible();
    await expect(navLink(page, 'Accounts')).toHaveAttribute('aria-current', 'page');
    await expect(accountRow(page, 'Default')).toBeVisible();

    await navLink(page, 'Keys').click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(keysHeading(page)).toBeVisible();
  });

  test('creates an account, listed with no keys', async ({ page }) => {
    await openAccounts(page);
    const name = uniqueName('Acme');

    await createAccount(page, name);

    await expect(accountRow(page, name)).toContainText('No keys');
  });

  test('refuses an empty name and a name taken in other case, keeping the dialog open', async ({ page }) => {
    await openAccounts(page);
    const name = uniqueName('Taken');
    await createAccount(page, name);

    await createAccountButton(page).click();
    const form = dialog(page, 'New Account');
    const field = form.getByRole('textbox', { name: 'Name', exact: true });
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toContainText('Enter a name.');
    await expect(field).toHaveAttribute('aria-invalid', 'true');

    await field.fill(name.toUpperCase());
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toContainText(`An account named “${name.toUpperCase()}” already exists.`);
    await expect(form).toBeVisible();

    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(accountRow(page, name.toUpperCase())).toHaveCount(0);
  });

  test('renames an account', async ({ page }) => {
    await openAccounts(page);
    const before = uniqueName('Before');
    const after = uniqueName('After');
    await createAccount(page, before);

    await accountRow(page, before).getByRole('button', { name: 'Rename', exact: true }).click();
    const form = dialog(page, 'Rename Account');
    const field = form.getByRole('textbox', { name: 'Name', exact: true });
    await expect(field).toHaveValue(before);
    await field.fill(after);
    await form.getByRole('button', { name: 'Rename', exact: true }).click();

    await expect(form).toBeHidden();
    await expect(statusRegion(page)).toContainText('Account renamed');
    await expect(accountRow(page, after)).toBeVisible();
    await expect(accountRow(page, before)).toHaveCount(0);
  });

  test('deleting says how many keys lose the account, and takes it from them', async ({ page }) => {
    await openAccounts(page);
    const account = uniqueName('Doomed');
    await createAccount(page, account);
    await navLink(page, 'Keys').click();
    await expect(keysHeading(page)).toBeVisible();
    const first = uniqueName('First');
    const second = uniqueName('Second');
    await createKeyFor(page, first, account);
    await createKeyFor(page, second, account);
    await expect(keyRow(page, first).getByRole('list', { name: 'Accounts', exact: true })).toHaveText(account);

    await navLink(page, 'Accounts').click();
    await expect(accountRow(page, account)).toContainText('2 keys');
    await accountRow(page, account).getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = dialog(page, 'Delete Account');
    await expect(confirm).toContainText(account);
    await expect(confirm).toContainText(
      '2 keys lose access to this account. A key left with no account stops verifying until it gets one.',
    );
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();

    await expect(confirm).toBeHidden();
    await expect(statusRegion(page)).toContainText('Account deleted');
    await expect(accountRow(page, account)).toHaveCount(0);

    await navLink(page, 'Keys').click();
    await expect(keyRow(page, first)).toContainText('No account');
    await expect(keyRow(page, second).getByText(account, { exact: true })).toHaveCount(0);
  });

  test('Cancel keeps the account', async ({ page }) => {
    await openAccounts(page);
    const name = uniqueName('Kept');
    await createAccount(page, name);

    await accountRow(page, name).getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = dialog(page, 'Delete Account');
    await expect(confirm).toContainText('No key uses this account.');
    await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();

    await expect(confirm).toBeHidden();
    await expect(accountRow(page, name)).toBeVisible();
  });

  test('a new account is offered in the New API Key dialog', async ({ page }) => {
    await openAccounts(page);
    const name = uniqueName('Offered');
    await createAccount(page, name);

    await navLink(page, 'Keys').click();
    await expect(keysHeading(page)).toBeVisible();
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await expect(
      form.getByRole('group', { name: 'Accounts', exact: true }).getByRole('checkbox', { name, exact: true }),
    ).toBeVisible();
  });

  test('renaming an account deleted in another tab says so and refreshes the list', async ({ page, context }) => {
    await openAccounts(page);
    const name = uniqueName('Vanishing');
    await createAccount(page, name);
    const other = await context.newPage();
    const otherErrors: string[] = [];
    watchErrors(other, otherErrors);
    await openAccounts(other);
    await accountRow(other, name).getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog(other, 'Delete Account').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(statusRegion(other)).toContainText('Account deleted');

    await accountRow(page, name).getByRole('button', { name: 'Rename', exact: true }).click();
    const form = dialog(page, 'Rename Account');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(uniqueName('Too Late'));
    await form.getByRole('button', { name: 'Rename', exact: true }).click();

    await expect(form).toBeHidden();
    await expect(alertRegion(page)).toContainText('This account no longer exists');
    await expect(accountRow(page, name)).toHaveCount(0);
    expect(otherErrors).toEqual([]);
  });
});
