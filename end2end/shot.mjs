import { chromium } from '@playwright/test';
const base = process.env.BASE_URL || 'http://127.0.0.1:3000';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('console', m => console.log('console:', m.type(), m.text()));
page.on('pageerror', e => console.log('pageerror:', e.message));
await page.goto(base + '/keys');
await page.waitForTimeout(1500);
for (const name of process.argv.slice(2)) {
  await page.getByRole('button', { name: 'Create API Key' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/' + name.toLowerCase().replace(/\W/g,''));
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForTimeout(800);
}
await page.screenshot({ path: '/tmp/shots/list-1280.png' });
await page.getByRole('button', { name: 'Create API Key' }).click();
await page.waitForTimeout(300);
await page.getByRole('button', { name: 'Create', exact: true }).click();
await page.waitForTimeout(800);
await page.screenshot({ path: '/tmp/shots/dialog-1280.png' });
await page.keyboard.press('Escape');
await page.setViewportSize({ width: 390, height: 844 });
await page.waitForTimeout(300);
await page.screenshot({ path: '/tmp/shots/list-390.png' });
await browser.close();
