// The search field: narrowing the list, the query in the URL, suggestions.

import {
  countCalls,
  createKey,
  expect,
  keyList,
  keyRow,
  keyRows,
  listedNames,
  openKeys,
  searchBox,
  suffix,
  test,
} from './helpers';
import type { Page } from '@playwright/test';

const suggestions = (page: Page) => page.getByRole('listbox', { name: 'Matching keys', exact: true });

/** The `q` parameter of the page's URL, or null. */
const urlQuery = (page: Page) => new URL(page.url()).searchParams.get('q');

test.describe('Search', () => {
  test('typing narrows the list, case-insensitively, and puts the query in the URL', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const names = [`Search ${tag} Alpha`, `Search ${tag} Beta`, `Other ${suffix()}`];
    for (const name of names) await createKey(page, { name });

    const calls = await countCalls(page, 'list_keys', async () => {
      await searchBox(page).fill(`${tag} ALP`);
      await expect(page).toHaveURL((url) => url.searchParams.get('q') === `${tag} ALP`);
      await expect(keyRows(page)).toHaveCount(1);
    });
    // The server does the searching.
    expect(calls).toBeGreaterThan(0);
    await expect(keyRow(page, names[0])).toBeVisible();

    // A substring from the middle of the names, in another case.
    await searchBox(page).fill(tag.toUpperCase());
    await expect.poll(() => urlQuery(page)).toBe(tag.toUpperCase());
    await expect(keyRows(page)).toHaveCount(2);
    await expect.poll(() => listedNames(page, names)).toEqual([names[1], names[0]]);
  });

  test('typing is debounced into one search', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const name = `Debounce ${tag}`;
    await createKey(page, { name });

    const calls = await countCalls(page, 'list_keys', async () => {
      await searchBox(page).pressSequentially(`debounce ${tag}`, { delay: 20 });
      await expect(page).toHaveURL((url) => url.searchParams.get('q') === `debounce ${tag}`);
      await expect(keyRows(page)).toHaveCount(1);
      await page.waitForTimeout(600);
    });
    // One search for the whole word, not one per keystroke (a second one
    // is tolerated for a machine so busy that a keystroke came 250 ms late).
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
  });

  test('clearing the search lists every key again', async ({ page }) => {
    const tag = suffix();
    const name = `Cleared ${tag}`;
    const other = `Unrelated ${suffix()}`;
    await openKeys(page);
    await createKey(page, { name: other });
    await createKey(page, { name });

    await searchBox(page).fill(tag);
    await expect(keyRow(page, other)).toHaveCount(0);
    await searchBox(page).fill('');
    await expect(page).toHaveURL((url) => url.pathname === '/keys' && !url.searchParams.has('q'));
    await expect(keyRow(page, other)).toBeVisible();
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('no match says so', async ({ page }) => {
    await openKeys(page);
    const q = `nothing-${suffix()}`;
    await searchBox(page).fill(q);
    await expect(page.getByText(`No API keys match “${q}”.`, { exact: true })).toBeVisible();
    await expect(keyList(page)).toHaveCount(0);
  });

  test('the query survives a reload', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const name = `Reload ${tag}`;
    const other = `Reload other ${suffix()}`;
    await createKey(page, { name });
    await createKey(page, { name: other });

    await searchBox(page).fill(tag);
    await expect.poll(() => urlQuery(page)).toBe(tag);
    await expect(keyRows(page)).toHaveCount(1);

    await page.reload();
    await expect(searchBox(page)).toHaveValue(tag);
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('opening /keys?q= shows the query in the field and the matching keys', async ({ page }) => {
    const tag = suffix();
    const name = `Linked ${tag}`;
    await openKeys(page);
    await createKey(page, { name });

    await openKeys(page, `linked ${tag}`);
    await expect(searchBox(page)).toHaveValue(`linked ${tag}`);
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('back and forward restore the query and the list', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const first = `History ${tag} first`;
    const second = `History ${tag} second`;
    await createKey(page, { name: first });
    await createKey(page, { name: second });

    await searchBox(page).fill(`${tag} first`);
    await expect.poll(() => urlQuery(page)).toBe(`${tag} first`);
    await expect(keyRows(page)).toHaveCount(1);
    await searchBox(page).fill(`${tag} second`);
    await expect.poll(() => urlQuery(page)).toBe(`${tag} second`);
    await expect(keyRow(page, second)).toBeVisible();
    await expect(keyRows(page)).toHaveCount(1);

    await page.goBack();
    await expect.poll(() => urlQuery(page)).toBe(`${tag} first`);
    await expect(searchBox(page)).toHaveValue(`${tag} first`);
    await expect(keyRow(page, first)).toBeVisible();
    await expect(keyRows(page)).toHaveCount(1);

    await page.goBack();
    await expect.poll(() => urlQuery(page)).toBeNull();
    await expect(searchBox(page)).toHaveValue('');
    await expect(keyRow(page, first)).toBeVisible();
    await expect(keyRow(page, second)).toBeVisible();

    await page.goForward();
    await expect.poll(() => urlQuery(page)).toBe(`${tag} first`);
    await expect(searchBox(page)).toHaveValue(`${tag} first`);
    await expect(keyRows(page)).toHaveCount(1);

    await page.goForward();
    await expect.poll(() => urlQuery(page)).toBe(`${tag} second`);
    await expect(searchBox(page)).toHaveValue(`${tag} second`);
    await expect(keyRow(page, second)).toBeVisible();
    await expect(keyRows(page)).toHaveCount(1);
  });

  test('characters that mean something in a URL are searched as typed', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const name = `C++ & Co #1 /?= ${tag}`;
    await createKey(page, { name });
    const q = `++ & Co #1 /?= ${tag}`;
    await searchBox(page).fill(q);
    await expect.poll(() => urlQuery(page)).toBe(q);
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRow(page, name)).toBeVisible();
    await page.reload();
    await expect(searchBox(page)).toHaveValue(q);
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('% and _ in a search match themselves, not anything', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const literal = `Wild 50%_off ${tag}`;
    const lookalike = `Wild 50xyoff ${tag}`;
    await createKey(page, { name: literal });
    await createKey(page, { name: lookalike });

    await searchBox(page).fill(`50%_off ${tag}`);
    await expect.poll(() => urlQuery(page)).toBe(`50%_off ${tag}`);
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRow(page, literal)).toBeVisible();
  });
});

test.describe('Search suggestions', () => {
  test('matching keys are offered; clicking one searches for it and highlights it', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const alpha = `Suggest ${tag} alpha`;
    const beta = `Suggest ${tag} beta`;
    await createKey(page, { name: alpha });
    await createKey(page, { name: beta });

    await searchBox(page).fill(tag);
    const listbox = suggestions(page);
    await expect(listbox).toBeVisible();
    await expect(listbox.getByRole('option')).toHaveCount(2);
    await expect(listbox.getByRole('option', { name: alpha, exact: true })).toBeVisible();

    const row = keyRow(page, alpha);
    const background = () => row.evaluate((el) => getComputedStyle(el).backgroundColor);
    const before = await background();

    await listbox.getByRole('option', { name: alpha, exact: true }).click();
    await expect(searchBox(page)).toHaveValue(alpha);
    await expect.poll(() => urlQuery(page)).toBe(alpha);
    await expect(listbox).toBeHidden();
    await expect(keyRows(page)).toHaveCount(1);
    await expect(row).toBeInViewport();
    // The chosen key is marked.
    await expect.poll(background).not.toBe(before);
  });

  test('a suggestion can be picked with the arrow keys and Enter', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const one = `Keyboard ${tag} one`;
    const two = `Keyboard ${tag} two`;
    await createKey(page, { name: one });
    await createKey(page, { name: two });

    const box = searchBox(page);
    await box.fill(tag);
    const listbox = suggestions(page);
    await expect(listbox.getByRole('option')).toHaveCount(2);

    // Newest first: "two", then "one".
    await box.press('ArrowDown');
    await expect(listbox.getByRole('option', { name: two, exact: true })).toHaveAttribute('aria-selected', 'true');
    await box.press('ArrowDown');
    const optionOne = listbox.getByRole('option', { name: one, exact: true });
    await expect(optionOne).toHaveAttribute('aria-selected', 'true');
    await expect(listbox.getByRole('option', { name: two, exact: true })).toHaveAttribute('aria-selected', 'false');
    const optionId = await optionOne.getAttribute('id');
    await expect(box).toHaveAttribute('aria-activedescendant', optionId!);
    // Wraps around.
    await box.press('ArrowDown');
    await expect(listbox.getByRole('option', { name: two, exact: true })).toHaveAttribute('aria-selected', 'true');
    await box.press('ArrowUp');
    await expect(optionOne).toHaveAttribute('aria-selected', 'true');
    await box.press('Enter');

    await expect(box).toHaveValue(one);
    await expect.poll(() => urlQuery(page)).toBe(one);
    await expect(listbox).toBeHidden();
    await expect(keyRows(page)).toHaveCount(1);
    await expect(keyRow(page, one)).toBeVisible();
  });

  test('Escape closes the suggestions but keeps the search', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const one = `Escape ${tag} one`;
    const two = `Escape ${tag} two`;
    await createKey(page, { name: one });
    await createKey(page, { name: two });

    const box = searchBox(page);
    await box.fill(tag);
    const listbox = suggestions(page);
    await expect(listbox.getByRole('option')).toHaveCount(2);
    await expect.poll(() => urlQuery(page)).toBe(tag);

    await box.press('Escape');
    await expect(listbox).toBeHidden();
    await expect(box).toHaveValue(tag);
    await page.waitForTimeout(400); // longer than the debounce
    expect(urlQuery(page)).toBe(tag);
    await expect(keyRows(page)).toHaveCount(2);

    // Typing on brings them back.
    await box.press('End');
    await box.pressSequentially(' t');
    await expect(listbox).toBeVisible();
    await expect(listbox.getByRole('option')).toHaveCount(1);
    await expect(listbox.getByRole('option', { name: two, exact: true })).toBeVisible();
  });

  test('a suggestion picked right after typing is not undone by the pending search', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const one = `Quick ${tag} one`;
    const two = `Quick ${tag} two`;
    await createKey(page, { name: one });
    await createKey(page, { name: two });

    const box = searchBox(page);
    await box.fill(`quick ${tag}`);
    await expect.poll(() => urlQuery(page)).toBe(`quick ${tag}`);
    const listbox = suggestions(page);
    await expect(listbox.getByRole('option')).toHaveCount(2);

    // Keep typing and pick a suggestion before the 250 ms debounce is over.
    await box.press('End');
    await box.press(' ');
    await box.press('o');
    await listbox.getByRole('option', { name: one, exact: true }).click();

    await page.waitForTimeout(600); // past the debounce
    await expect(box).toHaveValue(one);
    expect(urlQuery(page)).toBe(one);
    await expect(keyRow(page, one)).toBeVisible();
  });

  test('suggestions never offer keys that do not match what is typed', async ({ page }) => {
    await openKeys(page);
    await createKey(page, { name: `Unmatched ${suffix()}` });
    const q = `zz${suffix()}`;
    const listbox = suggestions(page);
    await searchBox(page).fill(q);
    // Straight away, before the debounced search has answered...
    const offered = await listbox.getByRole('option').allInnerTexts();
    expect(offered.filter((name) => !name.toLowerCase().includes(q))).toEqual([]);
    // ...and once it has.
    await expect.poll(() => urlQuery(page)).toBe(q);
    await expect(listbox.getByRole('option')).toHaveCount(0);
  });

  test('at most eight suggestions are offered', async ({ page }) => {
    test.setTimeout(60_000);
    await openKeys(page);
    const tag = suffix();
    for (let i = 1; i <= 9; i++) await createKey(page, { name: `Many ${tag} ${i}` });
    await searchBox(page).fill(tag);
    await expect(keyRows(page)).toHaveCount(9);
    await expect(suggestions(page).getByRole('option')).toHaveCount(8);
    // The newest eight.
    await expect(suggestions(page).getByRole('option').first()).toHaveText(`Many ${tag} 9`);
  });

  test('a search longer than any name finds nothing', async ({ page }) => {
    await openKeys(page);
    const q = 'x'.repeat(150);
    await searchBox(page).fill(q);
    await expect(page.getByText(`No API keys match “${q}”.`, { exact: true })).toBeVisible();
  });

  test('no suggestions while the field is empty', async ({ page }) => {
    await openKeys(page);
    await createKey(page, { name: `Empty field ${suffix()}` });
    await searchBox(page).focus();
    await page.waitForTimeout(300);
    await expect(suggestions(page)).toHaveCount(0);
  });
});
