// Webhooks on the Keys page: the Deliveries dialog (list, Send test event,
// Resend) and the signing secret in the Modify dialog, checked against a
// receiver this test runs on 127.0.0.1 (scripts/test starts the server with
// KEYHOLD_ALLOW_PRIVATE_WEBHOOKS=true so it may deliver there).

import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { createKey, dialog, expect, keyRow, openEdit, openKeys, openOptions, statusRegion, test, uniqueName } from './helpers';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on 127.0.0.1 that answers 200 and remembers every request. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

const typeOf = (r: Received) => JSON.parse(r.body).type as string;

/** What a receiver does to check a delivery (the README's recipe). */
function verifies(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(r.headers['webhook-signature']).split(' ').includes(expected);
}

async function openDeliveries(page: Page, name: string) {
  const menu = await openOptions(page, name);
  await menu.getByRole('menuitem', { name: 'Deliveries', exact: true }).click();
  const deliveries = dialog(page, `Deliveries for ${name}`);
  await expect(deliveries).toBeVisible();
  return deliveries;
}

test('Deliveries shows a key’s events, sends a test event and resends one', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    const name = uniqueName('Hooked');
    await openKeys(page);
    await createKey(page, { name, webhookUrl: receiver.url });

    const deliveries = await openDeliveries(page, name);
    const table = deliveries.getByRole('table', { name: 'Deliveries', exact: true });
    const created = table.getByRole('row').filter({ hasText: 'key.created' });
    await expect(created).toHaveCount(1);
    // The dialog refreshes itself until the worker has sent it.
    await expect(created).toContainText('Delivered');
    await expect(created).toContainText('HTTP 200');
    expect(receiver.received.map(typeOf)).toEqual(['key.created']);

    await deliveries.getByRole('button', { name: 'Send test event', exact: true }).click();
    await expect(statusRegion(page)).toContainText('Test event queued');
    const testRow = table.getByRole('row').filter({ hasText: 'key.test' });
    await expect(testRow).toContainText('Delivered');
    await expect.poll(() => receiver.received.map(typeOf)).toEqual(['key.created', 'key.test']);
    // Newest first.
    await expect(table.getByRole('row').nth(1)).toContainText('key.test');

    await created.getByRole('button', { name: 'Resend', exact: true }).click();
    await expect(statusRegion(page)).toContainText('key.created queued again');
    const createdRows = table.getByRole('row').filter({ hasText: 'key.created' });
    await expect(createdRows).toHaveCount(2);
    await expect(createdRows.first()).toContainText('Delivered');
    await expect.poll(() => receiver.received.length).toBe(3);
    const [first, , again] = receiver.received;
    expect(again.body).toBe(first.body);
    expect(again.headers['webhook-id']).not.toBe(first.headers['webhook-id']);

    await deliveries.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(deliveries).toBeHidden();
  } finally {
    receiver.server.close();
  }
});

test('a delivery that cannot connect shows why and when it is retried', async ({ page }) => {
  // A port nothing listens on: bind one, then close it.
  const probe = await startReceiver();
  await new Promise((resolve) => probe.server.close(resolve));
  const name = uniqueName('Unreachable');
  await openKeys(page);
  await createKey(page, { name, webhookUrl: probe.url });

  const deliveries = await openDeliveries(page, name);
  const row = deliveries.getByRole('row').filter({ hasText: 'key.created' });
  await expect(row).toContainText('no HTTP answer');
  await expect(row).toContainText('Pending');
  await expect(row).toContainText(/in \d+ s|in \d+ min/);
});

test('the signing secret is copied from the Modify dialog, verifies deliveries and can be regenerated', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    const name = uniqueName('Signed');
    await openKeys(page);
    await createKey(page, { name, webhookUrl: receiver.url });
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);

    const form = await openEdit(page, name);
    await expect(form.getByRole('textbox', { name: 'Signing secret', exact: true })).not.toHaveValue(/[A-Za-z0-9+/]{20}/);
    await form.getByRole('button', { name: 'Copy signing secret', exact: true }).click();
    await expect(statusRegion(page)).toContainText('Signing secret copied');
    const secret = await page.evaluate(() => navigator.clipboard.readText());
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(verifies(secret, receiver.received[0])).toBe(true);

    await form.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await form.getByRole('button', { name: 'Regenerate signing secret', exact: true }).click();
    await expect(statusRegion(page)).toContainText('Signing secret regenerated');
    await form.getByRole('button', { name: 'Copy signing secret', exact: true }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe(secret);
    const fresh = await page.evaluate(() => navigator.clipboard.readText());
    expect(fresh).toMatch(/^whsec_/);
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();

    // The next event is signed with the new secret only.
    const deliveries = await openDeliveries(page, name);
    await deliveries.getByRole('button', { name: 'Send test event', exact: true }).click();
    await expect.poll(() => receiver.received.length).toBe(2);
    expect(verifies(fresh, receiver.received[1])).toBe(true);
    expect(verifies(secret, receiver.received[1])).toBe(false);
  } finally {
    receiver.server.close();
  }
});

test('a key whose last delivery failed for good is marked in the list', async ({ page }) => {
  const database = process.env.E2E_DATABASE_URL;
  test.skip(!database, 'needs E2E_DATABASE_URL (scripts/test sets it)');
  const probe = await startReceiver();
  await new Promise((resolve) => probe.server.close(resolve));
  const name = uniqueName('Failing');
  await openKeys(page);
  await createKey(page, { name, webhookUrl: probe.url });
  const badge = keyRow(page, name).getByText('Webhook failing', { exact: true });
  await expect(badge).toHaveCount(0);
  const deliveries = await openDeliveries(page, name);
  await expect(deliveries.getByRole('row').filter({ hasText: 'key.created' })).toContainText('no HTTP answer');
  await deliveries.getByRole('button', { name: 'Close', exact: true }).click();
  // The retries take about a day: end them now, as the last one would.
  execFileSync('psql', [
    database!,
    '-qc',
    `UPDATE webhook_deliveries SET state = 'failed' WHERE key_id = (SELECT id FROM api_keys WHERE name = '${name}')`,
  ]);

  await page.reload();
  await expect(badge).toBeVisible();
});
