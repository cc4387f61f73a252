// Signs in once as the operator scripts/test created, through the sign-in
// page, and saves the session for every test (`storageState`). Tests of
// signing in themselves start from an empty state instead.

import { chromium, expect, type FullConfig } from '@playwright/test';

export const STORAGE_STATE = '.auth/operator.json';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const { baseURL, launchOptions } = config.projects[0].use;
  const email = process.env.E2E_EMAIL;
  const password = process.env.E2E_PASSWORD;
  if (!email || !password) {
    throw new Error('E2E_EMAIL and E2E_PASSWORD are not set: run the suite with scripts/test');
  }
  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage({ baseURL });
  await page.goto('/keys');
  await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Keys', exact: true, level: 1 })).toBeVisible();
  await page.context().storageState({ path: STORAGE_STATE });
  await browser.close();
}
