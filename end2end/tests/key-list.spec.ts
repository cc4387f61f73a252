// The list itself: pages of 50 with real links, the total, and rows that
// show what changed when the list is refreshed in the page.

import type { Page } from '@playwright/test';
import { database, insertKeys, removeInsertedKeys, sql } from './db';
import { blockKey, createKey, expect, keyList, keyRow, keyRows, openKeys, suffix, test, waitForHydration } from './helpers';

const pager = (page: Page) => page.getByRole('navigation', { name: 'Key pages', exact: true });
const nextLink = (page: Page) => pager(page).getByRole('link', { name: 'Next page', exact: true });
const previousLink = (page: Page) => pager(page).getByRole('link', { name: 'Previous page', exact: true });

// The keys a test inserted go with it (see removeInsertedKeys).
test.afterEach(() => removeInsertedKeys());

test.describe('Pages', () => {
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');

  test('fifty keys a page, newest first; next and previous are links kept in the URL and across a reload', async ({ page }) => {
    const tag = `Paged ${suffix()}`;
    insertKeys(tag, 60);
    await openKeys(page, tag);

    await expect(keyRows(page)).toHaveCount(50);
    await expect(page.getByText('60 keys', { exact: true })).toBeVisible();
    await expect(keyRows(page).first()).toContainText(`${tag} 060`);
    await expect(previousLink(page)).toHaveCount(0);

    await nextLink(page).click();
    await expect(page).toHaveURL((url) => url.searchParams.has('after') && url.searchParams.get('q') === tag);
    await expect(keyRows(page)).toHaveCount(10);
    await expect(keyRows(page).first()).toContainText(`${tag} 010`);
    await expect(keyRows(page).last()).toContainText(`${tag} 001`);
    await expect(nextLink(page)).toHaveCount(0);
    await expect(page.getByText('60 keys', { exact: true })).toBeVisible();

    const second = page.url();
    await page.reload();
    expect(page.url()).toBe(second);
    await expect(keyRows(page)).toHaveCount(10);
    await expect(keyRow(page, `${tag} 001`)).toBeVisible();
    await waitForHydration(page);

    await previousLink(page).click();
    await expect(page).toHaveURL((url) => !url.searchParams.has('after') && url.searchParams.get('q') === tag);
    await expect(keyRows(page)).toHaveCount(50);
    await expect(keyRows(page).first()).toContainText(`${tag} 060`);

    await page.goBack();
    await expect(keyRows(page)).toHaveCount(10);
    await expect(keyRow(page, `${tag} 001`)).toBeVisible();
  });

  test('the page links work without JavaScript', async ({ browser }) => {
    const tag = `Plain ${suffix()}`;
    insertKeys(tag, 55);
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: '.auth/operator.json' });
    const page = await context.newPage();
    try {
      await page.goto(`/keys?q=${encodeURIComponent(tag)}`);
      await expect(keyRows(page)).toHaveCount(50);
      await nextLink(page).click();
      await expect(page).toHaveURL((url) => url.searchParams.has('after'));
      await expect(keyRows(page)).toHaveCount(5);
      await previousLink(page).click();
      await expect(keyRows(page)).toHaveCount(50);
      await expect(keyList(page)).toContainText(`${tag} 055`);
    } finally {
      await context.close();
    }
  });

  test('a damaged page link says so and offers the first page', async ({ page }) => {
    await page.goto('/keys?after=damaged');
    await expect(page.getByText('This page link is damaged or out of date. Go back to the first page.', { exact: false })).toBeVisible();
    await page.getByRole('link', { name: 'First page', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/keys' && !url.searchParams.has('after'));
  });
});

test.describe('Refreshing the list in the page', () => {
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');

  test('an in-page refresh shows a row’s new last use and failing webhook', async ({ page }) => {
    const tag = suffix();
    const watched = `Watched ${tag}`;
    const other = `Other ${tag}`;
    await openKeys(page, tag);
    await createKey(page, { name: watched, webhookUrl: 'http://127.0.0.1:65000/hook' });
    await createKey(page, { name: other, webhookUrl: 'http://127.0.0.1:65000/hook' });
    await expect(keyRow(page, watched)).toContainText('Never used');
    await expect(keyRow(page, watched)).not.toContainText('Webhook failing');

    // Changes the row's version does not count: a use and a failed delivery.
    sql(`UPDATE api_keys SET last_used_at = now() - interval '5 minutes' WHERE name = '${watched}'`);
    sql(`INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, attempts)
         SELECT id, 'key.test', '{}', webhook_url, 'failed', 8 FROM api_keys WHERE name = '${watched}'`);
    sql(`UPDATE webhook_deliveries SET state = 'delivered'
         WHERE state = 'pending' AND key_id = (SELECT id FROM api_keys WHERE name = '${watched}')`);

    // Blocking the other key refreshes the list without a reload.
    await blockKey(page, other);
    await expect(keyRow(page, watched)).toContainText('Last used 5 minutes ago');
    await expect(keyRow(page, watched)).toContainText('Webhook failing');
  });
});
