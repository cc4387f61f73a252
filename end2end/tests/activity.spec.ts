// The Activity page: every change, who made it, filterable by key (issue 5).

import { execFileSync } from 'node:child_process';
import { blockKey, createKey, expect, openEdit, openKeys, statusRegion, test, uniqueName } from './helpers';

const email = process.env.E2E_EMAIL ?? '';

test('changes made on the Keys page appear newest first with the operator and before/after', async ({ page }) => {
  await openKeys(page);
  const name = uniqueName('Audited');
  await createKey(page, { name });
  const form = await openEdit(page, name);
  await form.getByLabel('Name').fill(`${name} v2`);
  await form.getByRole('button', { name: 'Modify', exact: true }).click();
  await expect(statusRegion(page)).toContainText('API key modified');
  await blockKey(page, `${name} v2`);

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await page.getByLabel('Key').selectOption({ label: `${name} v2` });
  await expect(page).toHaveURL(/\/activity\?key=/);

  const entries = page.getByRole('list', { name: 'Activity' }).getByRole('listitem').filter({ hasText: email });
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText('Blocked key');
  await expect(entries.nth(1)).toContainText('Modified key');
  await expect(entries.nth(1).getByRole('list', { name: 'Changes' })).toContainText(`Name: ${name} → ${name} v2`);
  await expect(entries.nth(2)).toContainText('Created key');

  await page.getByLabel('Key').selectOption({ label: 'All keys' });
  await expect(page).toHaveURL(/\/activity$/);
  await expect(page.getByRole('list', { name: 'Activity' }).getByText('Signed in').first()).toBeVisible();
});

test('older entries are one link away, with and without JavaScript', async ({ page, browser }) => {
  const database = process.env.E2E_DATABASE_URL;
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');
  await openKeys(page);
  const name = uniqueName('Paged');
  await createKey(page, { name });
  // 120 older entries of this key, one a second back in time: more than a page of 100.
  execFileSync('psql', [
    database!,
    '-qc',
    `INSERT INTO audit_log (at, actor_kind, operator_email, action, key_id, key_name)
     SELECT now() - make_interval(secs => i), 'operator', 'paging@example.com', 'key.token_copied', k.id, k.name
     FROM api_keys k, generate_series(1, 120) AS i WHERE k.name = '${name}'`,
  ]);

  for (const javaScriptEnabled of [true, false]) {
    const context = javaScriptEnabled ? page.context() : await browser.newContext({ javaScriptEnabled: false });
    const tab = javaScriptEnabled ? page : await context.newPage();
    await tab.goto('/activity');
    if (javaScriptEnabled) {
      // A choice made before the page hydrates only changes the select: choose again until it navigates.
      await expect(async () => {
        await tab.getByLabel('Key').selectOption({ index: 0 });
        await tab.getByLabel('Key').selectOption({ label: name });
        await expect(tab).toHaveURL(/\/activity\?key=/, { timeout: 2_000 });
      }).toPass({ timeout: 20_000 });
    } else {
      // Without JavaScript the menu cannot navigate by itself: open the address its option names.
      const id = await tab.getByLabel('Key').getByRole('option', { name, exact: true }).getAttribute('value');
      await tab.goto(`/activity?key=${id}`);
    }
    const entries = tab.getByRole('list', { name: 'Activity' }).getByRole('listitem');
    const pages = tab.getByRole('navigation', { name: 'Activity pages' });
    await expect(entries).toHaveCount(100);
    await expect(entries.first()).toContainText('Created key');
    await expect(pages.getByRole('link', { name: 'Newest entries' })).toHaveCount(0);

    await pages.getByRole('link', { name: 'Older entries' }).click();

    await expect(tab).toHaveURL(/\/activity\?key=[0-9a-f-]+&before=\d+$/);
    await expect(entries).toHaveCount(21);
    await expect(entries.last()).toContainText('paging@example.com');
    await expect(pages.getByRole('link', { name: 'Older entries' })).toHaveCount(0);
    await pages.getByRole('link', { name: 'Newest entries' }).click();
    await expect(tab).toHaveURL(/\/activity\?key=[0-9a-f-]+$/);
    await expect(entries).toHaveCount(100);
    await expect(entries.first()).toContainText('Created key');
    if (!javaScriptEnabled) {
      await context.close();
    }
  }
});
