import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
page.on('console', m => console.log('console:', m.type(), m.text()));
page.on('pageerror', e => console.log('pageerror:', e.message));
const t0 = Date.now();
const resp = await page.goto('http://127.0.0.1:3999/');
console.log('url', page.url(), resp.status(), Date.now()-t0);
for (let i=0;i<30;i++){
  const r = await page.evaluate(() => { const b=[...document.querySelectorAll('button')].find(b=>b.textContent.includes('Create API Key')); return Object.getOwnPropertyNames(b).concat(Object.keys(b)).join(',') + '|' + (window.wasmBindings? 'wb':'') });
  console.log(Date.now()-t0, r);
  if (r.length>1) break;
  await page.waitForTimeout(100);
}
await browser.close();
