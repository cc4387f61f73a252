// Shared helpers for the Keys page suite. Elements are found by role and
// accessible name (or label) only, the way an operator or a screen reader
// finds them; nothing here depends on CSS classes or DOM position.
//
// Tests share one database and must not depend on each other's order, so
// every key a test creates carries a random suffix.

import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export { expect };

/** Starts collecting uncaught errors and Rust panics of `page`. */
export function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|RuntimeError|unreachable executed/i.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
}

/**
 * `test` with one automatic check: the page must not throw or panic. A Rust
 * panic in the wasm leaves the page half dead, so it fails the test even
 * when the assertions happened to pass.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      watchErrors(page, errors);
      await use(errors);
      expect(errors, 'uncaught errors or panics in the page').toEqual([]);
    },
    { auto: true },
  ],
});

// ---------------------------------------------------------------- names

/** A name nobody else uses: `label` plus a random suffix of letters and digits. */
export function uniqueName(label = 'Key'): string {
  return `${label} ${suffix()}`;
}

/** Eight random lowercase letters and digits. */
export function suffix(): string {
  return randomBytes(8)
    .toString('base64')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .padEnd(8, 'x')
    .slice(0, 8);
}

/** The initials the avatar shows for `name` when no image was uploaded. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w].find((c) => /[\p{L}\p{N}]/u.test(c)) ?? '')
    .join('')
    .toUpperCase();
}

// ---------------------------------------------------------------- images

/** A valid 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A valid 1×1 GIF (a different picture from `PNG_1X1`). */
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** An RGB PNG of `width`×`height` pixels, all of one colour. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export const RED: [number, number, number] = [220, 20, 20];
export const BLUE: [number, number, number] = [20, 40, 220];

export const pngFile = (name = 'avatar.png', color: [number, number, number] = RED) => ({
  name,
  mimeType: 'image/png',
  buffer: solidPng(300, 200, color),
});
export const tinyPngFile = (name = 'tiny.png') => ({ name, mimeType: 'image/png', buffer: PNG_1X1 });
export const gifFile = (name = 'avatar.gif') => ({ name, mimeType: 'image/gif', buffer: GIF_1X1 });
/** Text that claims to be a PNG: the server looks at the content and refuses it. */
export const fakePngFile = () => ({
  name: 'fake.png',
  mimeType: 'image/png',
  buffer: Buffer.from('This is a text file, not a picture.\n'),
});
/** 1.2 MiB: over the 1 MiB limit, refused in the browser before sending. */
export const tooLargeFile = () => {
  const buffer = Buffer.alloc(Math.round(1.2 * 1024 * 1024), 0);
  PNG_1X1.copy(buffer); // starts like a PNG; the size alone must refuse it
  return { name: 'huge.png', mimeType: 'image/png', buffer };
};

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(
    true,
  );
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// ---------------------------------------------------------------- page

export const keysHeading = (page: Page) => page.getByRole('heading', { name: 'Keys', exact: true, level: 1 });
export const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search', exact: true });
export const keyList = (page: Page) => page.getByRole('list', { name: 'API keys', exact: true });
export const createButton = (page: Page) => page.getByRole('button', { name: 'Create API Key', exact: true });
export const statusRegion = (page: Page) => page.getByRole('status');
export const alertRegion = (page: Page) => page.getByRole('alert');
export const dialog = (page: Page, name: string) => page.getByRole('dialog', { name, exact: true });

/** The rows of the key list (not the account chips nested inside them). */
export const keyRows = (page: Page) =>
  keyList(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('list', { name: 'Accounts', exact: true }) });

/** The row of the key called `name`. */
export const keyRow = (page: Page, name: string) =>
  keyRows(page).filter({ has: page.getByText(name, { exact: true }) });

/** The names shown in the list, top to bottom. */
export async function listedNames(page: Page, among: string[]): Promise<string[]> {
  const texts = await keyRows(page).allInnerTexts();
  return texts
    .map((t) => among.find((n) => t.split('\n').some((line) => line.trim() === n)))
    .filter((n): n is string => n !== undefined);
}

/**
 * Resolves once the page answers clicks: the server-rendered HTML is on
 * screen at once, but its buttons only work after the wasm has hydrated it.
 * Opens and cancels the "New API Key" dialog, which saves nothing.
 */
export async function waitForHydration(page: Page): Promise<void> {
  const create = dialog(page, 'New API Key');
  await expect(async () => {
    await createButton(page).click();
    await expect(create).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000, intervals: [100, 200, 250] });
  await create.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(create).toBeHidden();
}

/** Opens /keys (with a search query, if given) and waits until it is interactive. */
export async function openKeys(page: Page, q?: string): Promise<void> {
  await page.goto(q === undefined ? '/keys' : `/keys?q=${encodeURIComponent(q)}`);
  await expect(keysHeading(page)).toBeVisible();
  await waitForHydration(page);
}

export interface KeyFormInput {
  name?: string;
  webhookUrl?: string;
  avatar?: { name: string; mimeType: string; buffer: Buffer };
}

/** Fills the fields of an open key dialog; ticks the first account if none is ticked. */
export async function fillKeyForm(form: Locator, input: KeyFormInput): Promise<void> {
  if (input.avatar) await form.getByLabel('Avatar', { exact: true }).setInputFiles(input.avatar);
  if (input.name !== undefined) await form.getByLabel('Name', { exact: true }).fill(input.name);
  if (input.webhookUrl !== undefined) await form.getByLabel('Webhook URL', { exact: true }).fill(input.webhookUrl);
}

/** Ticks one account in an open key dialog, so the form is complete. */
export async function tickAnAccount(form: Locator): Promise<void> {
  const boxes = form.getByRole('group', { name: 'Accounts', exact: true }).getByRole('checkbox');
  await expect(boxes.first()).toBeVisible();
  await boxes.first().check();
}

export const webhookFor = (name: string) =>
  `https://hooks.example.com/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** Creates a key through the "New API Key" dialog and waits until it is listed. */
export async function createKey(page: Page, input: KeyFormInput & { name: string }): Promise<void> {
  await createButton(page).click();
  const form = dialog(page, 'New API Key');
  await expect(form).toBeVisible();
  await fillKeyForm(form, { webhookUrl: webhookFor(input.name), ...input });
  await tickAnAccount(form);
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(form).toBeHidden();
  await expect(statusRegion(page)).toContainText('API key created');
  await expect(keyRow(page, input.name)).toBeVisible();
}

/** What an API key's token looks like: `kh_` and 38 base62 characters. */
export const TOKEN = /^kh_[0-9A-Za-z]{38}$/;

/**
 * Copies the token of the key called `name` with its row's "Copy token"
 * button and returns what landed on the clipboard. Something else goes on
 * the clipboard first, so a token left there by an earlier copy cannot pass.
 */
export async function copyToken(page: Page, name: string): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText('nothing copied yet'));
  const row = keyRow(page, name);
  await row.hover();
  await row.getByRole('button', { name: 'Copy token', exact: true }).click();
  await expect(statusRegion(page)).toContainText('API key token copied');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(TOKEN);
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Opens the "Options" menu of the key called `name` and returns the menu. */
export async function openOptions(page: Page, name: string): Promise<Locator> {
  const row = keyRow(page, name);
  await row.hover();
  await row.getByRole('button', { name: 'Options', exact: true }).click();
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  return menu;
}

/** Opens the "Modify API Key" dialog of the key called `name`. */
export async function openEdit(page: Page, name: string): Promise<Locator> {
  const row = keyRow(page, name);
  await row.hover();
  await row.getByRole('button', { name: 'Edit', exact: true }).click();
  const form = dialog(page, 'Modify API Key');
  await expect(form).toBeVisible();
  return form;
}

/** Blocks the key called `name` through Options → Block → confirm. */
export async function blockKey(page: Page, name: string): Promise<void> {
  const menu = await openOptions(page, name);
  await menu.getByRole('menuitem', { name: 'Block', exact: true }).click();
  const confirm = dialog(page, 'Block API Key');
  await confirm.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(statusRegion(page)).toContainText('API key blocked');
}

/** Deletes the key called `name` through Options → Delete → confirm. */
export async function deleteKey(page: Page, name: string): Promise<void> {
  const menu = await openOptions(page, name);
  await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
  const confirm = dialog(page, 'Delete API Key');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(statusRegion(page)).toContainText('API key deleted');
  await expect(keyRow(page, name)).toHaveCount(0);
}

/** Counts the requests to a server function made while `action` runs. */
export async function countCalls(page: Page, endpoint: string, action: () => Promise<void>): Promise<number> {
  let calls = 0;
  const listener = (r: { url(): string }) => {
    if (new URL(r.url()).pathname.endsWith(`/${endpoint}`)) calls += 1;
  };
  page.on('request', listener);
  try {
    await action();
  } finally {
    page.off('request', listener);
  }
  return calls;
}

/** The colour of the middle pixel of the image at `src`, decoded by the browser. */
export async function middlePixel(page: Page, src: string): Promise<[number, number, number, number]> {
  return page.evaluate(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(Math.floor(img.naturalWidth / 2), Math.floor(img.naturalHeight / 2), 1, 1).data;
    return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
  }, src);
}

/** True when two colours differ by at most `tolerance` in every channel. */
export function near(a: number[], b: number[], tolerance = 12): boolean {
  return a.every((v, i) => b[i] === undefined || Math.abs(v - b[i]) <= tolerance);
}

/** A 64×64 picture of one colour, encoded by the browser's canvas as `mimeType` (JPEG, WebP). */
export async function canvasImage(page: Page, mimeType: string, color: [number, number, number]): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ type, rgb }) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.fillRect(0, 0, 64, 64);
      const blob = await new Promise<Blob>((resolve, reject) =>
        canvas.toBlob((b) => (b && b.type === type ? resolve(b) : reject(new Error(`cannot encode ${type}`))), type, 0.9),
      );
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    },
    { type: mimeType, rgb: color },
  );
  return Buffer.from(base64, 'base64');
}
