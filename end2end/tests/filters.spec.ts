// The list's controls: Status, Account and Sort in the URL, combined with
// the search; the search form without JavaScript and before hydration.

import type { Page } from '@playwright/test';
import { database, insertKeys, removeInsertedKeys, sql } from './db';
import { expect, keyRows, listedNames, openKeys, searchBox, suffix, test, waitForHydration } from './helpers';

const select = (page: Page, name: string) => page.getByRole('combobox', { name, exact: true });
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

// The keys a test inserted go with it (see removeInsertedKeys).
test.afterEach(() => removeInsertedKeys());

test.describe('Filters and sort', () => {
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');

  test('each status narrows the search, and the choice stays in the URL across a reload', async ({ page }) => {
    const tag = `Status ${suffix()}`;
    insertKeys(tag, 5);
    const [active, blocked, expired, failing, both] = [1, 2, 3, 4, 5].map((i) => `${tag} 00${i}`);
    sql(`UPDATE api_keys SET blocked = true WHERE name IN ('${blocked}', '${both}')`);
    sql(`UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE name IN ('${expired}', '${both}')`);
    sql(`INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, attempts)
         SELECT id, 'key.test', '{}', webhook_url, 'failed', 8 FROM api_keys WHERE name = '${failing}'`);
    await openKeys(page, tag);
    await expect(keyRows(page)).toHaveCount(5);

    const all = [active, blocked, expired, failing, both];
    const cases: [string, string, string[]][] = [
      ['Active', 'active', [failing, active]],
      ['Blocked', 'blocked', [both, blocked]],
      ['Expired', 'expired', [expired]],
      ['Webhook failing', 'webhook-failing', [failing]],
      ['All', '', [both, failing, expired, blocked, active]],
    ];
    for (const [label, value, expected] of cases) {
      await select(page, 'Status').selectOption({ label });
      await expect.poll(() => param(page, 'status') ?? '').toBe(value);
      expect(param(page, 'q')).toBe(tag);
      await expect(keyRows(page)).toHaveCount(expected.length);
      await expect.poll(() => listedNames(page, all)).toEqual(expected);
    }

    await select(page, 'Status').selectOption({ label: 'Blocked' });
    await expect(keyRows(page)).toHaveCount(2);
    await page.reload();
    await expect(select(page, 'Status')).toHaveValue('blocked');
    await expect(searchBox(page)).toHaveValue(tag);
    await expect(keyRows(page)).toHaveCount(2);
    await expect(page.getByText('2 keys', { exact: true })).toBeVisible();
  });

  test('the account filter lists the keys that grant it', async ({ page }) => {
    const tag = `Acct ${suffix()}`;
    const account = `Account ${tag}`;
    insertKeys(tag, 3);
    sql(`INSERT INTO accounts (name) VALUES ('${account}')`);
    sql(`INSERT INTO api_key_accounts (key_id, account_id)
         SELECT k.id, a.id FROM api_keys k, accounts a WHERE a.name = '${account}' AND k.name = '${tag} 002'`);
    await openKeys(page, tag);
    await expect(keyRows(page)).toHaveCount(3);

    await select(page, 'Account').selectOption({ label: account });
    await expect.poll(() => param(page, 'account')).not.toBeNull();
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRows(page).first()).toContainText(`${tag} 002`);

    await select(page, 'Account').selectOption({ label: 'All' });
    await expect.poll(() => param(page, 'account')).toBeNull();
    await expect(keyRows(page)).toHaveCount(3);
  });

  test('sort by oldest, name and last use', async ({ page }) => {
    const tag = `Sort ${suffix()}`;
    insertKeys(tag, 3);
    // Names against creation order: the oldest is "c", then "a", then "b".
    const [c, a, b] = [`${tag} c`, `${tag} a`, `${tag} b`];
    sql(`UPDATE api_keys SET name = '${c}' WHERE name = '${tag} 001'`);
    sql(`UPDATE api_keys SET name = '${a}' WHERE name = '${tag} 002'`);
    sql(`UPDATE api_keys SET name = '${b}' WHERE name = '${tag} 003'`);
    sql(`UPDATE api_keys SET last_used_at = now() - interval '1 hour' WHERE name = '${c}'`);
    sql(`UPDATE api_keys SET last_used_at = now() - interval '1 minute' WHERE name = '${a}'`);
    await openKeys(page, tag);
    await expect.poll(() => listedNames(page, [a, b, c])).toEqual([b, a, c]);

    await select(page, 'Sort').selectOption({ label: 'Oldest' });
    await expect.poll(() => param(page, 'sort')).toBe('oldest');
    await expect.poll(() => listedNames(page, [a, b, c])).toEqual([c, a, b]);
    await select(page, 'Sort').selectOption({ label: 'Name' });
    await expect.poll(() => param(page, 'sort')).toBe('name');
    await expect.poll(() => listedNames(page, [a, b, c])).toEqual([a, b, c]);
    await select(page, 'Sort').selectOption({ label: 'Last used' });
    await expect.poll(() => param(page, 'sort')).toBe('last-used');
    await expect.poll(() => listedNames(page, [a, b, c])).toEqual([a, c, b]);
    expect(param(page, 'q')).toBe(tag);

    await page.goBack();
    await expect(select(page, 'Sort')).toHaveValue('name');
    await expect.poll(() => listedNames(page, [a, b, c])).toEqual([a, b, c]);
  });
});

test.describe('The search form', () => {
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');

  test('searches and filters without JavaScript', async ({ browser }) => {
    const tag = `NoJs ${suffix()}`;
    insertKeys(tag, 3);
    sql(`UPDATE api_keys SET blocked = true WHERE name = '${tag} 002'`);
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: '.auth/operator.json' });
    const page = await context.newPage();
    try {
      await page.goto('/keys');
      await searchBox(page).fill(tag);
      await searchBox(page).press('Enter');
      await expect(page).toHaveURL((url) => url.searchParams.get('q') === tag);
      await expect(keyRows(page)).toHaveCount(3);
      await expect(searchBox(page)).toHaveValue(tag);

      await select(page, 'Status').selectOption({ label: 'Blocked' });
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page).toHaveURL((url) => url.searchParams.get('status') === 'blocked');
      await expect(keyRows(page)).toHaveCount(1);
      await expect(keyRows(page).first()).toContainText(`${tag} 002`);
      await expect(select(page, 'Status')).toHaveValue('blocked');
    } finally {
      await context.close();
    }
  });

  test('text typed before the page is hydrated is kept and searched for', async ({ page }) => {
    const tag = `Early ${suffix()}`;
    insertKeys(tag, 2);
    // Hold the wasm back until the text is typed.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/keys');
    await searchBox(page).fill(tag);
    release();
    await waitForHydration(page);

    await expect(searchBox(page)).toHaveValue(tag);
    await expect.poll(() => param(page, 'q')).toBe(tag);
    await expect(keyRows(page)).toHaveCount(2);
  });
});
