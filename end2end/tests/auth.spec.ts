// Signing in and out (issue 5). These tests start without the shared
// session, as a newcomer's browser would.

import { expect, keysHeading, test } from './helpers';
import type { Page } from '@playwright/test';

const email = process.env.E2E_EMAIL ?? '';
const password = process.env.E2E_PASSWORD ?? '';

test.use({ storageState: { cookies: [], origins: [] } });

/** Fills the sign-in form on screen and submits it. */
async function submitSignIn(page: Page, withEmail: string, withPassword: string): Promise<void> {
  await page.getByLabel('Email').fill(withEmail);
  await page.getByLabel('Password').fill(withPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.describe('Sign-in', () => {
  test('a page asked for while signed out comes back after signing in', async ({ page }) => {
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login\?next=%2Faccounts$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await submitSignIn(page, email, password);
    await expect(page).toHaveURL(/\/accounts$/);
    await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(email);
  });

  test('a wrong password and an unknown email get the same message', async ({ page }) => {
    await page.goto('/login');
    await submitSignIn(page, email, 'certainly not the password');
    await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' })).toBeVisible();

    await submitSignIn(page, 'nobody-here@example.com', password);
    await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test('signing out ends the session', async ({ page }) => {
    await page.goto('/login');
    await submitSignIn(page, email, password);
    await expect(keysHeading(page)).toBeVisible();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'keyhold_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/keys');
    await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
    // The server refuses the old session, not only the page.
    const status = await page.evaluate(async () => (await fetch('/rpc/list_keys', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'q=' })).status);
    expect(status).toBe(401);
  });

  test('next= never leaves the site', async ({ page }) => {
    await page.goto('/login?next=https%3A%2F%2Fexample.com%2F');
    await submitSignIn(page, email, password);
    await expect(keysHeading(page)).toBeVisible();
    expect(new URL(page.url()).host).toBe(new URL(process.env.BASE_URL ?? '').host);
  });
});
