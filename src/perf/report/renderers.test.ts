// Renderers are pure functions of a RunResult: terminal table, summary.md, report.html (checked
// in headless Chromium when it is installed), the writer and reports/latest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTerminal } from './terminal.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { renderHtml } from './html.ts';
import { writeReports } from './writer.ts';
import { parseRunResult, type RunResult } from '../metrics/run-result.ts';
import { makeMetricResult } from '../decision/metric-result.ts';
import { syntheticRun } from './test-fixtures.ts';

const run = syntheticRun();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-report-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('run result', () => {
  it('has the expected verdicts and exit code 1', () => {
    const byName = Object.fromEntries(run.metrics.map((m) => [m.name, m.decision.status]));
    expect(byName).toEqual({ 'embed batch 32': 'REGRESSED', tokenize: 'PASS', 'top-10 <latency>': 'BUDGET-FAIL', 'queries per claim': 'PASS' });
    expect(run.exitCode).toBe(1);
    expect(run.counts.REGRESSED).toBe(1);
  });
});

describe('machine guard in the reports', () => {
  it('a baseline from a faster machine: timing verdicts advisory, the run says so in words naming --base', () => {
    const slower = syntheticRun({ baselineCalibration: 640 });
    const embed = slower.metrics.find((m) => m.name === 'embed batch 32')!;
    expect(embed.decision).toMatchObject({ status: 'REGRESSED', advisory: true });
    const note = "this machine is 22% slower than the baseline's machine (calibration 500 vs 640); timing comparisons against it are advisory: use --base <ref> to judge a change here";
    expect(slower.notes).toEqual([note]);
    expect(renderTerminal(slower)).toContain(`note: ${note}`);
    expect(renderSummaryMarkdown(slower)).toContain(`> **Note:** ${note}`);
    expect(renderHtml(slower)).toContain("this machine is 22% slower than the baseline&#39;s machine");
    // Still exit 1: the budget failure of another metric is absolute.
    expect(slower.exitCode).toBe(1);
    expect(syntheticRun().notes).toBeUndefined();
  });
});

describe('terminal table', () => {
  const text = renderTerminal(run);
  it('lists failures first, marks non-significant changes with ~ and numbers footnotes', () => {
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.startsWith('REGRESSED'));
    const pass = lines.findIndex((l) => l.startsWith('PASS'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(pass);
    expect(text).toMatch(/REGRESSED\s+embedding › embed batch 32\s+\S+\s+\S+\s+\+(19|20)\.\d%/);
    expect(text).toMatch(/BUDGET-FAIL\s+search › top-10 <latency>.*\[\d\]/);
    expect(text).toMatch(/budget: p95 [\d.]+ ms, required <= 40/);
    expect(text).toMatch(/tokenize.*~ [+-]\d/);
    expect(text).toMatch(/\[1\] /);
    expect(text).toMatch(/PASS \(advisory\)\s+search › queries per claim.*\[\d\]/);
    expect(text).toMatch(/environment differs from baseline: node major/);
    expect(text).toMatch(/exit 1 \(regression or budget failure\)/);
  });
});

describe('summary.md', () => {
  const md = renderSummaryMarkdown(run);
  it('puts the changes table first and folds the details', () => {
    expect(md.indexOf('### Changes')).toBeLessThan(md.indexOf('<details><summary>All metrics'));
    const changes = md.slice(md.indexOf('### Changes'), md.indexOf('<details>'));
    expect(changes).toContain('embed batch 32');
    expect(changes).toContain('BUDGET-FAIL');
    expect(changes).not.toContain('tokenize');
    expect(md).toContain('db pglite 18.6');
    expect(md).toMatch(/## Performance: 🔴/);
  });
});

describe('report.html', () => {
  const html = renderHtml(run);
  it('is self-contained and escapes metric names', () => {
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toContain('top-10 &lt;latency&gt;');
    expect(html.match(/<svg class="chart dist"/g)).toHaveLength(4);
    expect(html).toContain('<svg class="chart overview"');
  });
  const chromium = '/usr/bin/chromium';
  it.skipIf(!fs.existsSync(chromium))('renders in headless Chromium with no console errors', async () => {
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request: ${r.url()}`));
      const file = path.join(tmp, 'report.html');
      fs.writeFileSync(file, html);
      await page.goto(`file://${file}`);
      expect(await page.title()).toMatch(/run-1/);
      const sizes = await page.$$eval('svg.chart', (els) => els.map((e) => e.getBoundingClientRect().width * e.getBoundingClientRect().height));
      expect(sizes.length).toBe(5);
      expect(sizes.every((s) => s > 1000)).toBe(true);
      expect(await page.$$eval('svg.chart circle', (els) => els.length)).toBeGreaterThan(100);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('writer', () => {
  it('writes reports/<run-id>/ and points reports/latest at it; report.json parses back', () => {
    const written = writeReports(run, tmp);
    expect(fs.readdirSync(written.dir).sort()).toEqual(['report.html', 'report.json', 'summary.md', 'terminal.txt']);
    expect(fs.realpathSync(path.join(tmp, 'latest'))).toBe(fs.realpathSync(written.dir));
    const again = parseRunResult(fs.readFileSync(path.join(tmp, 'latest', 'report.json'), 'utf8'), 'report.json');
    expect(again.metrics).toHaveLength(4);
    expect(() => parseRunResult('{"x":1}', 'bad.json')).toThrow(/not a perf run result/);
  });
});

describe('targets and attached tables (first-class fields of a run)', () => {
  const run = syntheticRun();
  const withTarget = makeMetricResult({
    suite: 'search',
    test: 'search',
    metric: { name: 'p95 at 10k', unit: 'ms', direction: 'lower', kind: 'timing', samples: [4, 5, 6, 7, 8], target: { max: 5, statistic: 'p95', source: 'ours: < 5 ms' } },
  });
  const met = makeMetricResult({
    suite: 'search',
    test: 'search',
    metric: { name: 'rows/s', unit: 'rows/s', direction: 'higher', kind: 'timing', samples: [900, 1000, 1100], target: { min: 500, source: 'ours: > 500 rows/s' } },
  });
  const full: RunResult = {
    ...run,
    metrics: [...run.metrics, withTarget, met],
    attachments: [{ suite: 'search', name: 'index-recommendations', profile: 'full', data: { rows: 1 }, markdown: '| setting | p95 |\n|---|---|\n| hnsw | 3 |' }],
  };

  it('the decision carries the target: measured statistic, goal and met', () => {
    expect(withTarget.decision.target).toMatchObject({ met: false, statistic: 'p95', goal: '<= 5 ms (p95)', source: 'ours: < 5 ms' });
    expect(withTarget.decision.target!.value).toBeGreaterThan(5);
    expect(met.decision.target).toMatchObject({ met: true, value: 1000, goal: '>= 500 rows/s (median)' });
    // A target never changes the verdict: the metric has no baseline, so it is NEW either way.
    expect(withTarget.decision.status).toBe('NEW');
  });

  it('every renderer shows the targets and the attached tables', () => {
    const terminal = renderTerminal(full);
    expect(terminal).toMatch(/NOT MET\s+search › p95 at 10k/);
    expect(terminal).toMatch(/\bMET\s+search › rows\/s/);
    expect(terminal).toContain('attached: search / index-recommendations');
    const md = renderSummaryMarkdown(full);
    expect(md).toContain('Targets (advisory): 1 met, 1 not met');
    expect(md).toContain('| **not met** | search › p95 at 10k |');
    expect(md).toContain('<summary>search: index-recommendations</summary>');
    expect(md).toContain('| hnsw | 3 |');
    const html = renderHtml(full);
    expect(html).toContain('<h2>Targets (advisory: reported, never failing the run)</h2>');
    expect(html).toContain('<strong>not met</strong>');
    expect(html).toContain('<summary>search: index-recommendations</summary>');
  });
});

describe('a report read back from report.json renders as the run did', () => {
  it('a count that went from 0 to 19 is "+∞ (from 0)", never "-100.0%"; a value that is not there is "-", never "-inf"', () => {
    const ref = (samples: number[]) => ({ metric: { name: 'dup', unit: 'count', direction: 'lower' as const, kind: 'exact' as const, samples }, file: 'b.json', savedAt: '2024-01-01T00:00:00.000Z', environmentDiffers: [] });
    const fromZero = makeMetricResult({ suite: 'db', test: 't', metric: { name: 'dup', unit: 'count', direction: 'lower', kind: 'exact', samples: [19, 19, 19] }, baseline: ref([0, 0, 0]) });
    const gone = makeMetricResult({ suite: 'db', test: 't', metric: { name: 'gone', unit: 'ms', direction: 'lower', kind: 'timing', samples: [] } });
    const original: RunResult = { ...syntheticRun(), metrics: [fromZero, gone] };
    expect(fromZero.decision.evidence.ratio).toBe(Number.POSITIVE_INFINITY);
    const back = parseRunResult(JSON.stringify(original), 'report.json');
    expect(back.metrics[0]!.decision.evidence.ratio).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(back.metrics[1]!.decision.evidence.current)).toBe(true);
    for (const text of [renderTerminal(back), renderSummaryMarkdown(back)]) {
      expect(text).toContain('+∞ (from 0)');
      expect(text).not.toContain('-100.0%');
      expect(text).not.toContain('-inf');
    }
    expect(renderTerminal(back)).toBe(renderTerminal(original));
  });
});
