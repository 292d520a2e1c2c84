// history.html: one self-contained offline file. uPlot (read from node_modules at render time) is
// inlined with its CSS; per metric, the estimate and its 95% band over the commits, budget and
// target lines, baseline refreshes (forced ones with their reason), REGRESSED runs, environment
// changes (dashed) and the steps found (shaded from the old level's last point to the new level's
// first, with size and interval). Without JavaScript the page still shows the steps table and
// the series table.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AnalysedSeries } from './analyse.ts';
import { commitRange, formatValue, pct, shortSha, stepLabel } from './format-step.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function uplotAssets(): { js: string; css: string } {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  // The licence banner names the project's home page; written without the scheme so that the page
  // holds no address a browser could fetch.
  const js = fs.readFileSync(path.join(dir, 'uPlot.iife.min.js'), 'utf8').replace(/https?:\/\//g, '');
  const css = fs.readFileSync(path.join(dir, 'uPlot.min.css'), 'utf8').replace(/https?:\/\//g, '');
  return { js, css };
}

/** The data one chart needs (kept small: the page embeds it as JSON). */
function chartData(s: AnalysedSeries): unknown {
  const b = s.points.map((p) => p.budget).find(Boolean) ?? null;
  const t = s.points.map((p) => p.target).find(Boolean) ?? null;
  return {
    id: s.key,
    title: `${s.suite} › ${s.metric}`,
    unit: s.unit,
    direction: s.direction,
    x: s.points.map((_, i) => i),
    labels: s.points.map((p) => `${shortSha(p)} ${p.date.slice(0, 10)} ${p.source}${p.forced ? ` forced: ${p.forced}` : ''}`),
    est: s.points.map((p) => p.estimate),
    lo: s.points.map((p) => p.ci?.[0] ?? null),
    hi: s.points.map((p) => p.ci?.[1] ?? null),
    refresh: s.points.map((p) => (p.source === 'baseline' ? p.estimate : null)),
    forced: s.points.map((p) => (p.forced ? p.estimate : null)),
    regressed: s.points.map((p) => (p.status === 'REGRESSED' || p.status === 'BUDGET-FAIL' ? p.estimate : null)),
    budget: { min: b?.min ?? null, max: b?.max ?? null },
    target: { min: t?.min ?? null, max: t?.max ?? null },
    env: s.envChanges.map((c) => ({ at: c.index, what: c.what })),
    // The level between steps (each step's mean before and after), drawn as flat lines.
    levels: s.steps.map((st, i) => ({ from: i === 0 ? 0 : s.steps[i - 1]!.index, to: st.index - 1, value: st.before })).concat(
      s.steps.length ? [{ from: s.steps[s.steps.length - 1]!.index, to: s.points.length - 1, value: s.steps[s.steps.length - 1]!.after }] : [],
    ),
    steps: s.steps.map((st) => ({ at: st.index, label: `${stepLabel(st)} ${pct(st.size)} [${pct(st.ci[0])}, ${pct(st.ci[1])}]`, bad: st.regression && !st.machineChange, machine: Boolean(st.machineChange) })),
  };
}

// Runs in the page: one uPlot per metric; steps and environment changes drawn in the draw hook.
const CLIENT = String.raw`
(function () {
  var all = JSON.parse(document.getElementById('history-data').textContent);
  var fmt = function (v) { return v == null ? '' : (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(4))); };
  all.forEach(function (d, n) {
    var el = document.getElementById('chart-' + n);
    if (!el) return;
    var k = d.x.length;
    var line = function (v) { return d.x.map(function () { return v; }); };
    var data = [d.x, d.est, d.lo, d.hi, d.refresh, d.forced, d.regressed];
    var series = [
      { label: 'commit', value: function (u, i) { return i == null ? '' : d.labels[i] || ''; } },
      { label: 'estimate (' + d.unit + ')', stroke: '#1565c0', width: 2, value: function (u, v) { return fmt(v); }, points: { show: true, size: 5 } },
      { label: '95% low', stroke: 'rgba(21,101,192,0.35)', width: 1, value: function (u, v) { return fmt(v); } },
      { label: '95% high', stroke: 'rgba(21,101,192,0.35)', width: 1, value: function (u, v) { return fmt(v); } },
      { label: 'baseline saved', stroke: '#607d8b', width: 1.5, paths: function () { return null; }, points: { show: true, size: 9, fill: '#fff', stroke: '#607d8b' } },
      { label: 'forced refresh', stroke: '#6a1b9a', width: 1.5, paths: function () { return null; }, points: { show: true, size: 11, fill: '#6a1b9a', stroke: '#6a1b9a' } },
      { label: 'REGRESSED run', stroke: '#c62828', width: 1.5, paths: function () { return null; }, points: { show: true, size: 11, fill: '#c62828', stroke: '#c62828' } }
    ];
    [['budget max', d.budget.max, '#c62828'], ['budget min', d.budget.min, '#c62828'], ['target max', d.target.max, '#2e7d32'], ['target min', d.target.min, '#2e7d32']].forEach(function (b) {
      if (b[1] == null) return;
      data.push(line(b[1]));
      series.push({ label: b[0] + ' ' + fmt(b[1]), stroke: b[2], width: 1, dash: [6, 4], points: { show: false }, value: function (u, v) { return fmt(v); } });
    });
    var opts = {
      width: Math.min(1040, el.clientWidth || 1040), height: 260,
      series: series,
      bands: [{ series: [3, 2], fill: 'rgba(21,101,192,0.12)' }],
      scales: { x: { time: false, range: function () { return [-0.5, Math.max(0.5, k - 0.5)]; } } },
      axes: [
        { space: 90, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000], values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) && d.labels[t] ? d.labels[t].slice(0, 7) : ''; }); } },
        { label: d.unit, size: 70, values: function (u, ticks) { return ticks.map(fmt); } }
      ],
      hooks: { draw: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
        ctx.save();
        d.env.forEach(function (c) {
          var x = u.valToPos(c.at - 0.5, 'x', true);
          ctx.strokeStyle = '#ef6c00'; ctx.setLineDash([4, 4]); ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
        });
        ctx.setLineDash([]);
        ctx.strokeStyle = '#37474f'; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([8, 4]);
        d.levels.forEach(function (l) {
          var y = u.valToPos(l.value, 'y', true);
          ctx.beginPath(); ctx.moveTo(u.valToPos(l.from, 'x', true), y); ctx.lineTo(u.valToPos(l.to, 'x', true), y); ctx.stroke();
        });
        ctx.setLineDash([]);
        ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
        d.steps.forEach(function (s, j) {
          var x0 = u.valToPos(s.at - 1, 'x', true), x1 = u.valToPos(s.at, 'x', true);
          ctx.fillStyle = s.machine ? 'rgba(239,108,0,0.15)' : s.bad ? 'rgba(198,40,40,0.15)' : 'rgba(46,125,50,0.15)';
          ctx.fillRect(x0, top, Math.max(2, x1 - x0), h);
          ctx.fillStyle = s.machine ? '#ef6c00' : s.bad ? '#c62828' : '#2e7d32';
          ctx.font = (12 * devicePixelRatio) + 'px system-ui, sans-serif';
          // Labels of neighbouring steps go on different rows so that they do not overwrite each other.
          var w = ctx.measureText(s.label).width, lx = Math.min(x1 + 4, u.bbox.left + u.bbox.width - w - 4), ly = top + (14 + 15 * (j % 3)) * devicePixelRatio;
          ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(lx - 2, ly - 12 * devicePixelRatio, w + 4, 15 * devicePixelRatio);
          ctx.fillStyle = s.machine ? '#ef6c00' : s.bad ? '#c62828' : '#2e7d32';
          ctx.fillText(s.label, lx, ly);
        });
        ctx.restore();
      }] }
    };
    new uPlot(opts, data, el);
  });
})();
`;

export interface HistoryPageInfo {
  /** Where the points came from, in words (for the page's header). */
  sources: string[];
  generatedAt: string;
  options: string;
}

function stepsTable(series: readonly AnalysedSeries[]): string {
  const rows = series.flatMap((s) =>
    s.steps.map(
      (st) =>
        `<tr class="${st.machineChange ? 'machine' : st.regression ? 'bad' : 'good'}"><td>${esc(s.envClass)} ${esc(s.profile)}</td><td>${esc(`${s.suite} › ${s.metric}`)}</td><td>${esc(stepLabel(st))}</td><td class="num">${esc(pct(st.size))}</td><td class="num">[${esc(pct(st.ci[0]))}, ${esc(pct(st.ci[1]))}]</td><td class="num">${esc(formatValue(st.before))} → ${esc(formatValue(st.after))} ${esc(s.unit)}</td><td><code>${esc(commitRange(st))}</code></td><td class="num">${st.pValue.toFixed(3)}</td><td>${esc(st.machineChange ?? '')}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p><strong>No step found</strong> in any series.</p>';
  return `<table><thead><tr><th>environment</th><th>metric</th><th>step</th><th>size</th><th>95% CI</th><th>level</th><th>commits</th><th>p</th><th>environment change</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function seriesTable(series: readonly AnalysedSeries[]): string {
  const rows = series.map((s) => {
    const last = s.points[s.points.length - 1]!;
    const forced = s.points.filter((p) => p.forced).length;
    return `<tr><td>${esc(s.envClass)} ${esc(s.profile)}</td><td>${esc(`${s.suite} › ${s.metric}`)}</td><td class="num">${s.points.length}</td><td class="num">${esc(formatValue(last.estimate))} ${esc(s.unit)}</td><td>${s.direction} is better</td><td class="num">${s.steps.length}</td><td class="num">${forced}</td><td class="num">${s.envChanges.length}</td><td>${esc(s.skipped ?? '')}</td></tr>`;
  });
  return `<table><thead><tr><th>environment</th><th>metric</th><th>points</th><th>latest</th><th>direction</th><th>steps</th><th>forced refreshes</th><th>environment changes</th><th>not analysed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHistoryHtml(series: readonly AnalysedSeries[], info: HistoryPageInfo): string {
  const { js, css } = uplotAssets();
  // Series with steps first, then the longest, then by name; every series with at least two points gets a chart.
  const charted = [...series]
    .filter((s) => s.points.length >= 2)
    .sort((a, b) => b.steps.length - a.steps.length || b.points.length - a.points.length || a.key.localeCompare(b.key));
  const points = series.reduce((n, s) => n + s.points.length, 0);
  const steps = series.reduce((n, s) => n + s.steps.length, 0);
  const regressions = series.reduce((n, s) => n + s.steps.filter((st) => st.regression && !st.machineChange).length, 0);
  const sections = charted
    .map((s, i) => {
      const envs = s.envChanges.map((c) => `<li>before point ${c.index} (${esc(shortSha(s.points[c.index]!))}): ${esc(c.what)}</li>`).join('');
      const forced = s.points.filter((p) => p.forced).map((p) => `<li>forced refresh at ${esc(shortSha(p))}: ${esc(p.forced!)}</li>`).join('');
      return `<section><h3>${esc(`${s.suite} › ${s.metric}`)} <small>${esc(s.envClass)} · ${esc(s.profile)} · ${s.points.length} points · ${esc(s.unit)}, ${s.direction} is better${s.steps.length ? ` · <strong>${s.steps.length} step(s)</strong>` : ''}</small></h3>
<div class="chart" id="chart-${i}"></div>${envs || forced ? `<ul class="marks">${envs}${forced}</ul>` : ''}${s.skipped ? `<p class="skip">No step detection: ${esc(s.skipped)}.</p>` : ''}</section>`;
    })
    .join('\n');
  const data = JSON.stringify(charted.map(chartData)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>perf history: ${steps} step(s), ${regressions} regression(s)</title>
<style>${css}</style>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:12px 0}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.bad td{background:#ffebee}tr.good td{background:#e8f5e9}tr.machine td{background:#fff3e0}
h3 small{font-weight:normal;color:#666}.chart{min-height:20px;margin:6px 0}section{margin:18px 0 28px}
.summary{padding:8px;border-radius:4px;background:${regressions ? '#ffebee' : '#e8f5e9'}}.marks,.skip{color:#555;font-size:13px;margin:4px 0}
.legend-key span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h1>Performance history</h1>
<p class="summary"><strong>${steps} step(s) found, ${regressions} regression(s) not explained by a machine change</strong> — ${series.length} series, ${points} points, ${charted.length} charted (two points or more).</p>
<p>Sources: ${info.sources.map(esc).join('; ')}. Generated ${esc(info.generatedAt)}. Detection: ${esc(info.options)}.</p>
<p class="legend-key"><span><i class="sw" style="background:#1565c0"></i>estimate (median) with its 95% band</span><span><i class="sw" style="border:2px solid #607d8b"></i>baseline saved</span><span><i class="sw" style="background:#6a1b9a"></i>forced refresh</span><span><i class="sw" style="background:#c62828"></i>REGRESSED run · budget line (dashed)</span><span><i class="sw" style="background:#2e7d32"></i>target line (dashed)</span><span><i class="sw" style="border-top:2px dashed #ef6c00"></i>environment change</span><span><i class="sw" style="border-top:2px dashed #37474f"></i>level between steps</span><span><i class="sw" style="background:rgba(198,40,40,0.3)"></i>step (regression)</span><span><i class="sw" style="background:rgba(46,125,50,0.3)"></i>step (improvement)</span><span><i class="sw" style="background:rgba(239,108,0,0.3)"></i>step at a machine change</span></p>
<h2>Steps</h2>
${stepsTable(series)}
<h2>Metrics over commits</h2>
<noscript><p>The charts need JavaScript; the tables above and below hold the same facts.</p></noscript>
${sections}
<h2>All series</h2>
${seriesTable(series)}
<script id="history-data" type="application/json">${data}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
