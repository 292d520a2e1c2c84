// Screenshots of the HTML pages for the docs: `npx tsx scripts/screenshot-pages.ts <page.html> <out.png> [width] [maxHeight]`.
// Headless Chromium through playwright-core (/usr/bin/chromium); the page is opened from disk and
// any request that is not file: is reported, since the pages must work offline.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [page, out, width = '1160', maxHeight = '2400'] = process.argv.slice(2);
if (!page || !out) {
  console.error('usage: npx tsx scripts/screenshot-pages.ts <page.html> <out.png> [width] [maxHeight]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const tab = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  const problems: string[] = [];
  tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  tab.on('pageerror', (e) => problems.push(e.message));
  tab.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request: ${r.url()}`));
  await tab.goto(`file://${path.resolve(page)}`);
  await tab.waitForTimeout(300);
  type Doc = { document: { documentElement: { scrollHeight: number } } };
  const full = await tab.evaluate(() => (globalThis as unknown as Doc).document.documentElement.scrollHeight);
  const height = Math.min(Number(maxHeight), full);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  await tab.screenshot({ path: out, clip: { x: 0, y: 0, width: Number(width), height } });
  console.log(`wrote ${out} (${width}x${height})${problems.length ? `\nproblems:\n${problems.join('\n')}` : ''}`);
  if (problems.length) process.exitCode = 1;
} finally {
  await browser.close();
}
