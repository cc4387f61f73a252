// The Keys page, the list, and the "New API Key" dialog.

import {
  alertRegion,
  countCalls,
  createButton,
  createKey,
  dialog,
  expect,
  fakePngFile,
  fillKeyForm,
  initials,
  keyList,
  keyRow,
  keysHeading,
  searchBox,
  listedNames,
  openEdit,
  openKeys,
  BLUE,
  canvasImage,
  gifFile,
  middlePixel,
  near,
  pngFile,
  pngSize,
  RED,
  tinyPngFile,
  statusRegion,
  suffix,
  test,
  tickAnAccount,
  tooLargeFile,
  uniqueName,
  webhookFor,
} from './helpers';

test.describe('Keys page', () => {
  test('/ redirects to /keys', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/keys$/);
    await expect(keysHeading(page)).toBeVisible();
  });

  test('the page is titled after the keys', async ({ page }) => {
    await openKeys(page);
    await expect(page).toHaveTitle('Keys · Keyhold');
    await expect(searchBox(page)).toBeVisible();
    await expect(createButton(page)).toBeVisible();
  });

  test('the first HTML response already lists the keys', async ({ page, request }) => {
    await openKeys(page);
    const name = uniqueName('Server Rendered');
    await createKey(page, { name });

    const response = await request.get('/keys');
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain(name);
    expect(html).toContain(webhookFor(name));
    expect(html).toContain('aria-label="API keys"');
  });

  test('the first HTML response of a search holds only matching keys', async ({ page, request }) => {
    await openKeys(page);
    const tag = suffix();
    const hit = `Rendered Hit ${tag}`;
    const miss = `Rendered Miss ${suffix()}`;
    await createKey(page, { name: hit });
    await createKey(page, { name: miss });

    const html = await (await request.get(`/keys?q=${encodeURIComponent(`hit ${tag}`)}`)).text();
    expect(html).toContain(hit);
    expect(html).not.toContain(miss);
  });

  test('a listed key shows its avatar, name, webhook URL, accounts and creation date', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Listed Item');
    await createKey(page, { name, webhookUrl: `http://127.0.0.1:65000/hooks/listed/${suffix()}?x=1` });

    const row = keyRow(page, name);
    await expect(row).toHaveCount(1);
    await expect(row.getByText(name, { exact: true })).toBeVisible();
    await expect(row.getByText(/^http:\/\/127\.0\.0\.1:65000\/hooks\/listed\/[a-z0-9]+\?x=1$/)).toBeVisible();
    // Initials stand in for an avatar when none was uploaded.
    await expect(row.getByText(initials(name), { exact: true })).toBeVisible();
    const accounts = row.getByRole('list', { name: 'Accounts', exact: true });
    await expect(accounts.getByRole('listitem')).not.toHaveCount(0);
    await expect(row.getByText(/^Created [A-Z][a-z]{2} \d{1,2}, \d{4}$/)).toBeVisible();
    await expect(row.getByText(`Created ${todayUtc()}`, { exact: true })).toBeVisible();
    // Not blocked: no red dot.
    await expect(row.getByRole('img', { name: 'Blocked', exact: true })).toHaveCount(0);
  });

  test('keys are listed newest first', async ({ page }) => {
    await openKeys(page);
    const tag = suffix();
    const names = [`Order ${tag} one`, `Order ${tag} two`, `Order ${tag} three`];
    for (const name of names) await createKey(page, { name });

    await expect.poll(() => listedNames(page, names)).toEqual([...names].reverse());
    // Also after a reload, from the server-rendered list.
    await openKeys(page, tag);
    await expect.poll(() => listedNames(page, names)).toEqual([...names].reverse());
  });

  test('key names are shown as text, never as markup', async ({ page }) => {
    await openKeys(page);
    const name = `<img src=x onerror="window.__pwned=1"> <b>bold</b> ${suffix()}`;
    await createKey(page, { name });
    await expect(keyRow(page, name)).toBeVisible();
    await page.reload();
    await expect(keyRow(page, name)).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

test.describe('New API Key dialog', () => {
  test('has an avatar picker, name, webhook URL, accounts, Create and Cancel', async ({ page }) => {
    await openKeys(page);
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await expect(form).toBeVisible();

    const avatar = form.getByLabel('Avatar', { exact: true });
    await expect(avatar).toHaveAttribute('type', 'file');
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('');
    await expect(form.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveValue('');
    const boxes = form.getByRole('group', { name: 'Accounts', exact: true }).getByRole('checkbox');
    const count = await boxes.count();
    expect(count).toBeGreaterThan(0);
    // With only one account there is nothing to choose: it is ticked.
    for (const box of await boxes.all()) {
      if (count === 1) await expect(box).toBeChecked();
      else await expect(box).not.toBeChecked();
    }
    await expect(form.getByRole('button', { name: 'Create', exact: true })).toBeEnabled();
    await expect(form.getByRole('button', { name: 'Cancel', exact: true })).toBeEnabled();
    // The name field has focus, ready for typing.
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toBeFocused();
  });

  test('creating a key closes the dialog, lists the key and says so', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Created Key');
    const url = webhookFor(name);

    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: url });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    await expect(form).toBeHidden();
    await expect(statusRegion(page)).toContainText('API key created');
    const row = keyRow(page, name);
    await expect(row).toBeVisible();
    await expect(row.getByText(url, { exact: true })).toBeVisible();
    // The new key is the first in the list.
    await expect(keyList(page).getByRole('listitem').first()).toContainText(name);
    // The dialog opens empty again.
    await createButton(page).click();
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('');
    await expect(form.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveValue('');
  });

  test('Enter in a field creates the key', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('By Enter');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await tickAnAccount(form);
    await fillKeyForm(form, { name, webhookUrl: webhookFor(name) });
    await form.getByRole('textbox', { name: 'Webhook URL', exact: true }).press('Enter');
    await expect(form).toBeHidden();
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('a double click on Create creates one key', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Double Click');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: webhookFor(name) });
    await tickAnAccount(form);
    const calls = await countCalls(page, 'create_key', async () => {
      await form.getByRole('button', { name: 'Create', exact: true }).dblclick();
      await expect(form).toBeHidden();
      await expect(keyRow(page, name)).toBeVisible();
    });
    expect(calls).toBe(1);
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(alertRegion(page)).toHaveText('');
  });

  test('a name may have at most 100 characters', async ({ page }) => {
    await openKeys(page);
    const base = uniqueName('Long');
    const tooLong = base.padEnd(101, 'x');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name: tooLong, webhookUrl: webhookFor(base) });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAccessibleDescription(
      'Use at most 100 characters (this one has 101).',
    );
    const longest = base.padEnd(100, 'x');
    await fillKeyForm(form, { name: longest });
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, longest)).toBeVisible();
  });

  test('names and URLs are trimmed', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Trimmed');
    const url = webhookFor(name);
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name: `   ${name}  `, webhookUrl: `  ${url} ` });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, name).getByText(url, { exact: true })).toBeVisible();
  });

  test('an empty form shows a message next to every required field', async ({ page }) => {
    await openKeys(page);
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    const accounts = form.getByRole('group', { name: 'Accounts', exact: true });
    for (const box of await accounts.getByRole('checkbox').all()) await box.uncheck();
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    const name = form.getByRole('textbox', { name: 'Name', exact: true });
    const url = form.getByRole('textbox', { name: 'Webhook URL', exact: true });
    await expect(name).toHaveAccessibleDescription('Enter a name.');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(url).toHaveAccessibleDescription('Enter a webhook URL.');
    await expect(url).toHaveAttribute('aria-invalid', 'true');
    await expect(accounts).toHaveAccessibleDescription('Choose at least one account.');
    await expect(form.getByText('Enter a name.', { exact: true })).toBeVisible();
    await expect(form.getByText('Enter a webhook URL.', { exact: true })).toBeVisible();
    await expect(form.getByText('Choose at least one account.', { exact: true })).toBeVisible();
    // The dialog stays open and nothing is announced as created.
    await expect(form).toBeVisible();
    await expect(statusRegion(page)).not.toContainText('API key created');
  });

  test('a webhook URL must be absolute', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Relative URL');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: 'example.com/hooks' });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    const url = form.getByRole('textbox', { name: 'Webhook URL', exact: true });
    await expect(url).toHaveAccessibleDescription('Enter an absolute URL, such as https://example.com/hooks.');
    await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAttribute('aria-invalid', 'false');
    await expect(form).toBeVisible();
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(keyRow(page, name)).toHaveCount(0);
  });

  test('a webhook URL must use http or https', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('FTP URL');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: 'ftp://example.com/hooks' });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form.getByRole('textbox', { name: 'Webhook URL', exact: true })).toHaveAccessibleDescription(
      'The webhook URL must start with http:// or https://.',
    );

    // Correcting the field and sending again creates the key.
    await fillKeyForm(form, { webhookUrl: 'http://127.0.0.1:65000/hooks' });
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, name).getByText('http://127.0.0.1:65000/hooks', { exact: true })).toBeVisible();
  });

  test('a name already in use is refused, whatever its case', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Duplicate');
    await createKey(page, { name });

    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: 'http://127.0.0.1:65000/other' });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const nameField = form.getByRole('textbox', { name: 'Name', exact: true });
    await expect(nameField).toHaveAccessibleDescription(`An API key named “${name}” already exists.`);

    const shouted = name.toUpperCase();
    await fillKeyForm(form, { name: shouted });
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(nameField).toHaveAccessibleDescription(`An API key named “${shouted}” already exists.`);
    await expect(form).toBeVisible();

    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(keyRow(page, name)).toHaveCount(1);
    await expect(keyRow(page, shouted)).toHaveCount(0);
  });

  test('an avatar is uploaded and re-encoded as a 128×128 PNG', async ({ page, request }) => {
    await openKeys(page);
    const name = uniqueName('With Avatar');
    await createKey(page, { name, avatar: tinyPngFile() });

    // No initials once there is a picture.
    await expect(keyRow(page, name).getByText(initials(name), { exact: true })).toHaveCount(0);
    const form = await openEdit(page, name);
    const current = form.getByRole('img', { name: 'Current avatar', exact: true });
    await expect(current).toBeVisible();
    const src = await current.getAttribute('src');
    expect(src).toBeTruthy();
    const response = await request.get(src!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/png');
    expect(pngSize(await response.body())).toEqual({ width: 128, height: 128 });
  });

  test('PNG, JPEG, WebP and GIF avatars are all accepted', async ({ page }) => {
    await openKeys(page);
    const files = [
      { label: 'PNG', file: pngFile('p.png', BLUE), color: BLUE },
      { label: 'JPEG', file: { name: 'j.jpg', mimeType: 'image/jpeg', buffer: await canvasImage(page, 'image/jpeg', RED) }, color: RED },
      { label: 'WebP', file: { name: 'w.webp', mimeType: 'image/webp', buffer: await canvasImage(page, 'image/webp', BLUE) }, color: BLUE },
      { label: 'GIF', file: gifFile(), color: null },
    ];
    for (const { label, file, color } of files) {
      const name = uniqueName(`${label} Avatar`);
      await createKey(page, { name, avatar: file });
      const form = await openEdit(page, name);
      const src = await form.getByRole('img', { name: 'Current avatar', exact: true }).getAttribute('src');
      if (color) expect(near(await middlePixel(page, src!), [...color, 255]), `${label} colour kept`).toBe(true);
      await form.getByRole('button', { name: 'Cancel', exact: true }).click();
      await expect(form).toBeHidden();
    }
  });

  test('a file that is not an image is refused with a message next to the field', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Fake Avatar');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: webhookFor(name), avatar: fakePngFile() });
    await tickAnAccount(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    const avatar = form.getByLabel('Avatar', { exact: true });
    await expect(avatar).toHaveAttribute('aria-invalid', 'true');
    // The help text names the formats too; the refusal is the other one.
    const refusal = form.getByText(/PNG, JPEG, WebP or GIF/).filter({ hasNotText: 'up to 1 MiB' });
    await expect(refusal).toBeVisible();
    await expect(refusal).toHaveText('Choose a PNG, JPEG, WebP or GIF image.');
    await expect(form).toBeVisible();
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(keyRow(page, name)).toHaveCount(0);
  });

  test('a file over 1 MiB is refused in the browser, before sending', async ({ page }) => {
    await openKeys(page);
    const name = uniqueName('Huge Avatar');
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await fillKeyForm(form, { name, webhookUrl: webhookFor(name), avatar: tooLargeFile() });
    await tickAnAccount(form);
    await expect(form.getByText('Choose an image of at most 1 MiB.', { exact: true })).toBeVisible();

    const calls = await countCalls(page, 'create_key', async () => {
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      await page.waitForTimeout(500);
    });
    expect(calls).toBe(0);
    await expect(form).toBeVisible();
    await expect(form.getByLabel('Avatar', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    // Choosing a small image instead clears the message and creates the key.
    await form.getByLabel('Avatar', { exact: true }).setInputFiles(pngFile());
    await expect(form.getByText('Choose an image of at most 1 MiB.', { exact: true })).toHaveCount(0);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form).toBeHidden();
    await expect(keyRow(page, name)).toBeVisible();
  });

  test('the file picker offers only the accepted image types', async ({ page }) => {
    await openKeys(page);
    await createButton(page).click();
    const avatar = dialog(page, 'New API Key').getByLabel('Avatar', { exact: true });
    const accept = (await avatar.getAttribute('accept')) ?? '';
    expect(accept.split(',').map((s) => s.trim()).sort()).toEqual(
      ['image/gif', 'image/jpeg', 'image/png', 'image/webp'],
    );
  });

  test('a failed create does not leave an alert behind', async ({ page }) => {
    await openKeys(page);
    await createButton(page).click();
    const form = dialog(page, 'New API Key');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(form.getByText('Enter a name.', { exact: true })).toBeVisible();
    // Field problems belong next to the fields, not in a page-wide alert.
    await expect(alertRegion(page)).toHaveText('');
  });
});

/** Today's date as the list writes it ("Nov 26, 2026"), in UTC like the server. */
function todayUtc(): string {
  const now = new Date();
  const month = now.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${now.getUTCDate()}, ${now.getUTCFullYear()}`;
}
