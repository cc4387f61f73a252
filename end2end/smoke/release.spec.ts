// scripts/build-release's smoke test of the release build: the page
// hydrates, an operator signs in, creates a key, and the key's token
// verifies through the verification API. The wasm arrives compressed and
// cacheable, as a browser in production gets it.

import { copyToken, createKey, expect, keysHeading, test, uniqueName, waitForHydration } from '../tests/helpers';

test('the release build serves, hydrates, creates a key that verifies', async ({ page, request, baseURL }) => {
  const email = process.env.E2E_EMAIL;
  const password = process.env.E2E_PASSWORD;
  if (!email || !password) throw new Error('E2E_EMAIL and E2E_PASSWORD are not set: run scripts/build-release');

  const wasm: { encoding?: string; cacheControl?: string; url: string }[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.endsWith('.wasm')) {
      const headers = response.headers();
      wasm.push({ url: response.url(), encoding: headers['content-encoding'], cacheControl: headers['cache-control'] });
    }
  });

  await page.goto('/keys');
  await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(keysHeading(page)).toBeVisible();
  await waitForHydration(page);

  // The hashed wasm, brotli-compressed, cached for good.
  expect(wasm.length, 'the page loaded its wasm').toBeGreaterThan(0);
  expect(wasm[0].url).toMatch(/\/pkg\/keyhold\.[A-Za-z0-9_-]+\.wasm$/);
  expect(wasm[0].encoding).toBe('br');
  expect(wasm[0].cacheControl).toContain('immutable');

  const name = uniqueName('Release Smoke');
  // Deliveries stay on this machine: to the server itself (which answers
  // 404; scripts/build-release allows loopback webhooks for this run).
  await createKey(page, { name, webhookUrl: new URL('/smoke-webhook', baseURL).toString() });

  const token = await copyToken(page, name);

  const verified = await request.post('/api/v1/keys/verify', { data: { key: token } });
  expect(verified.status()).toBe(200);
  const answer = await verified.json();
  expect(answer).toMatchObject({ valid: true, code: 'VALID', name });
});
