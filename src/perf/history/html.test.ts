// history.html: self-contained (uPlot inlined, no address to fetch) and drawn by headless
// Chromium (when installed) with one chart per series, no console error and no network request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHistoryHtml } from './html.ts';
import { analyseSeries } from './analyse.ts';
import { toSeries, type HistoryPoint } from './points.ts';
import { normalSamples } from '../stats/rng.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-history-html-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function points(metric: string, step: number, forcedAt: number): HistoryPoint[] {
  return normalSamples(30, 1, 0.02, metric.length).map((z, i) => ({
    source: i % 10 === 0 ? 'baseline' : 'report',
    origin: `o-${i}`,
    sha: String(i + 1).padStart(40, '0'),
    runId: null,
    date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    envClass: 'c',
    profile: 'full',
    suite: 's',
    metric,
    unit: 'ms',
    direction: 'lower',
    kind: 'timing',
    estimate: 50 * z * (i >= 18 ? 1 + step : 1),
    ci: [48 * z, 52 * z],
    status: i === 19 ? 'REGRESSED' : 'PASS',
    forced: i === forcedAt ? 'new runner <image>' : null,
    budget: { max: 70 },
    target: { max: 45 },
    env: { envClass: 'c', cpuModel: 'cpu', node: 'v20', calibration: 500 },
  }));
}

const analysed = toSeries([...points('latency', 0.1, 20), ...points('other', 0, -1)]).map((s) => analyseSeries(s));
const html = renderHistoryHtml(analysed, { sources: ['test'], generatedAt: '2026-01-31T00:00:00Z', options: 'defaults' });

describe('renderHistoryHtml', () => {
  it('is one offline file with the steps and series tables readable without JavaScript', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('var uPlot=function(){');
    expect(html).toMatch(/<tr class="bad"><td>c full<\/td><td>s › latency<\/td><td>REGRESSION<\/td><td class="num">\+\d/);
    expect(html).toContain('new runner &lt;image&gt;'); // the forced reason, escaped
    expect(html).toMatch(/<td>s › other<\/td><td class="num">30<\/td>/);
  });

  const chromium = '/usr/bin/chromium';
  it.skipIf(!fs.existsSync(chromium))('draws one chart per series in headless Chromium with no error and no request', async () => {
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request: ${r.url()}`));
      const file = path.join(tmp, 'history.html');
      fs.writeFileSync(file, html);
      await page.goto(`file://${file}`);
      expect(await page.title()).toBe('perf history: 1 step(s), 1 regression(s)');
      expect(await page.$$eval('.chart .uplot canvas', (els) => els.length)).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
