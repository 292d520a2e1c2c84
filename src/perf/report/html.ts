// report.html: one self-contained file (inline CSS + hand-written SVG, no scripts, no network):
// an overview chart of every change with its CI against the tolerance band, then per metric the
// baseline and current sample distributions on a shared axis. Pure: returns text.
import { quantile } from '../stats/descriptive.ts';
import { abHeadline, byImportance, estimateLabels, formatChange, formatCi, formatNumber, formatPs, formatPercent, formatRoundsPairs, metricKey, statusLabel } from './format.ts';
import { footnotes } from './terminal.ts';
import { targetRows } from './targets.ts';
import type { MetricResult, RunResult } from '../metrics/run-result.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLOR: Record<string, string> = { REGRESSED: '#c62828', 'BUDGET-FAIL': '#6a1b9a', INCONCLUSIVE: '#f9a825', IMPROVED: '#2e7d32', NEW: '#1565c0', REMOVED: '#90a4ae', PASS: '#607d8b' };
const f = (x: number): string => x.toFixed(1);

/** Horizontal chart of (ratio - 1) with CI whiskers, one row per compared metric. */
function overviewChart(metrics: MetricResult[]): string {
  const compared = metrics.filter((m) => m.decision.evidence.ratio !== undefined && Number.isFinite(m.decision.evidence.ratio));
  if (compared.length === 0) return '<p>No metric had a baseline to compare with.</p>';
  // Room for the longest "suite › metric" label (~6.5 px a character at the label's font size).
  const left = Math.min(640, Math.max(200, Math.ceil(Math.max(...compared.map((m) => metricKey(m).length)) * 6.5) + 16));
  const width = left + 460;
  const rowH = 22;
  const height = compared.length * rowH + 40;
  const extent = Math.max(
    0.1,
    ...compared.flatMap((m) => {
      const e = m.decision.evidence;
      return [Math.abs(e.ratio! - 1), ...(e.ratioCi ? e.ratioCi.map((c) => Math.abs(c - 1)) : []), e.tolerance];
    }),
  );
  const x = (d: number): number => left + ((d + extent) / (2 * extent)) * (width - left - 20);
  const parts: string[] = [];
  parts.push(`<line x1="${f(x(0))}" y1="10" x2="${f(x(0))}" y2="${height - 25}" stroke="#333"/>`);
  for (const t of [-extent, -extent / 2, extent / 2, extent]) {
    parts.push(`<text x="${f(x(t))}" y="${height - 8}" text-anchor="middle" class="tick">${esc(formatPercent(t))}</text>`);
  }
  compared.forEach((m, i) => {
    const e = m.decision.evidence;
    const y = 20 + i * rowH;
    const tol = e.tolerance;
    parts.push(`<rect x="${f(x(-tol))}" y="${y - 8}" width="${f(x(tol) - x(-tol))}" height="16" fill="#eceff1"><title>tolerance ±${esc(formatPercent(tol, false))}</title></rect>`);
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" class="label">${esc(metricKey(m))}</text>`);
    if (e.ratioCi) parts.push(`<line x1="${f(x(e.ratioCi[0] - 1))}" y1="${y}" x2="${f(x(e.ratioCi[1] - 1))}" y2="${y}" stroke="${COLOR[m.decision.status]}" stroke-width="2"/>`);
    parts.push(
      `<circle cx="${f(x(e.ratio! - 1))}" cy="${y}" r="5" fill="${COLOR[m.decision.status]}"><title>${esc(`${statusLabel(m)} ${formatChange(m)} ${formatCi(m)} ${formatPs(e)}`)}</title></circle>`,
    );
  });
  return `<svg class="chart overview" role="img" aria-label="change per metric" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Strip + box plot of baseline (grey) and current (status colour) samples on one axis. */
function distributionChart(m: MetricResult): string {
  const width = 760;
  const height = 110;
  const left = 90;
  const cur = m.samples;
  const base = m.baseline?.samples ?? [];
  const all = [...cur, ...base].filter(Number.isFinite);
  if (all.length === 0) return '';
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= Math.abs(lo) * 0.05 || 1;
    hi += Math.abs(hi) * 0.05 || 1;
  }
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * (width - left - 20);
  const group = (samples: number[], y: number, color: string, label: string): string => {
    if (samples.length === 0) return `<text x="${left - 8}" y="${y + 4}" text-anchor="end" class="label">${label}: none</text>`;
    const q1 = quantile(samples, 0.25);
    const q2 = quantile(samples, 0.5);
    const q3 = quantile(samples, 0.75);
    // Deterministic jitter so the same run always renders the same picture.
    const dots = samples
      .map((v, i) => `<circle cx="${f(x(v))}" cy="${f(y + (((i * 7919) % 17) - 8))}" r="2" fill="${color}" fill-opacity="0.45"/>`)
      .join('');
    return (
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end" class="label">${label}</text>` +
      `<rect x="${f(x(q1))}" y="${y - 12}" width="${f(Math.max(1, x(q3) - x(q1)))}" height="24" fill="none" stroke="${color}"/>` +
      `<line x1="${f(x(q2))}" y1="${y - 14}" x2="${f(x(q2))}" y2="${y + 14}" stroke="${color}" stroke-width="3"><title>median ${esc(formatNumber(q2))} ${esc(m.unit)}</title></line>` +
      dots
    );
  };
  const ticks = [lo, (lo + hi) / 2, hi].map((v) => `<text x="${f(x(v))}" y="${height - 4}" text-anchor="middle" class="tick">${esc(formatNumber(v))}</text>`).join('');
  return `<svg class="chart dist" role="img" aria-label="${esc(metricKey(m))} distributions" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${group(base, 25, '#78909c', 'baseline')}${group(cur, 62, COLOR[m.decision.status]!, 'current')}${ticks}</svg>`;
}

function contextList(run: RunResult): string {
  const c = run.context;
  const items = [
    `CPU ${c.cpuModel} × ${c.cpuCount}`,
    `memory ${(c.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `${c.platform} ${c.osRelease} ${c.arch}`,
    `Node ${c.node}`,
    `onnxruntime ${c.onnxruntime ?? '-'}`,
    `git ${c.gitSha?.slice(0, 12) ?? '-'}${c.gitDirty ? ' (dirty)' : ''}`,
    `calibration score ${c.calibrationScore ?? '-'}`,
    ...run.suites.flatMap((s) => [
      ...(s.context?.models ?? []).map((m) => `${s.name}: model ${m.id}@${m.hash.slice(0, 12)}${m.synthetic ? ' (synthetic: cost, not truth)' : ''}`),
      ...(s.context?.database ? [`${s.name}: database ${s.context.database.engine} ${s.context.database.version ?? ''} pgvector ${s.context.database.pgvector ?? '-'}`] : []),
    ]),
  ];
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function targetsTable(metrics: readonly MetricResult[]): string {
  const rows = targetRows(metrics);
  if (rows.length === 0) return '';
  const body = rows
    .map((t) => `<tr><td>${t.status === 'MET' ? 'met' : '<strong>not met</strong>'}</td><td>${esc(t.metric)}</td><td>${esc(t.measured)}</td><td>${esc(t.goal)}</td><td>${esc(t.source)}</td></tr>`)
    .join('\n');
  return `<h2>Targets (advisory: reported, never failing the run)</h2>
<table><thead><tr><th>status</th><th>metric</th><th>measured</th><th>goal</th><th>source</th></tr></thead><tbody>
${body}
</tbody></table>`;
}

/** The suites' own tables, as their Markdown source (readable as is; no Markdown engine needed). */
function attachmentsHtml(run: RunResult): string {
  const items = (run.attachments ?? []).filter((a) => a.markdown);
  if (items.length === 0) return '';
  return `<h2>Suite tables</h2>\n${items.map((a) => `<details><summary>${esc(a.suite)}: ${esc(a.name)}</summary><pre>${esc(a.markdown!)}</pre></details>`).join('\n')}`;
}

export function renderHtml(run: RunResult): string {
  const metrics = [...run.metrics].sort(byImportance);
  const { notes, refs } = footnotes(metrics);
  const ab = run.mode === 'ab';
  const [baseLabel, currentLabel] = estimateLabels(run);
  const rows = metrics
    .map((m) => {
      const e = m.decision.evidence;
      return `<tr><td><span class="badge" style="background:${COLOR[m.decision.status]}">${esc(statusLabel(m))}</span></td><td>${esc(metricKey(m))}</td><td class="num">${esc(formatNumber(e.baseline))}</td><td class="num">${esc(formatNumber(e.current))}</td><td>${esc(m.unit)}</td><td class="num">${esc(formatChange(m))}</td><td>${esc(formatCi(m))}</td><td>${esc(formatPs(e))}</td><td class="num">${e.mde !== undefined ? esc(formatPercent(e.mde, false)) : ''}</td>${ab ? `<td class="num">${esc(formatRoundsPairs(m))}</td>` : ''}<td>${(refs.get(m) ?? []).map((n) => `<a href="#note-${n}">[${n}]</a>`).join('')}</td></tr>`;
    })
    .join('\n');
  const sections = metrics
    .map(
      (m) =>
        `<section class="metric"><h3>${esc(metricKey(m))} <small>${esc(m.kind)}, ${esc(m.direction)} is better, n=${m.samples.length}${m.baseline ? ` vs ${m.baseline.samples.length}` : ''}</small></h3>${distributionChart(m)}</section>`,
    )
    .join('\n');
  const verdict = run.exitCode === 0 ? 'pass' : run.exitCode === 1 ? 'regression or budget failure' : 'harness error';
  const errors = [...run.errors, ...run.suites.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>perf ${esc(run.runId)}: ${esc(verdict)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:12px 0}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
.chart{display:block;margin:6px 0;max-width:100%;height:auto}.label,.tick{font-size:11px;fill:#333}
h3 small{font-weight:normal;color:#666}.verdict-${run.exitCode}{padding:8px;border-radius:4px;background:${run.exitCode === 0 ? '#e8f5e9' : run.exitCode === 1 ? '#ffebee' : '#fff8e1'}}
</style></head><body>
<h1>Performance run ${esc(run.runId)}</h1>
<p class="verdict-${run.exitCode}"><strong>${esc(verdict)}</strong> (exit ${run.exitCode}) — profile ${esc(run.profile)}, mode ${esc(run.mode)}, environment ${esc(run.environmentClass)}, ${esc(run.startedAt)}</p>
${ab ? `<p>${esc(abHeadline(run))}</p>` : ''}
${(run.notes ?? []).map((n) => `<p class="note"><strong>Note:</strong> ${esc(n)}</p>`).join('\n')}
${errors.length ? `<h2>Errors</h2><ul>${errors.map((e) => `<li><pre>${esc(e)}</pre></li>`).join('')}</ul>` : ''}
<h2>Changes against the baseline</h2>
${overviewChart(metrics)}
<h2>All metrics</h2>
<table><thead><tr><th>status</th><th>metric</th><th>${baseLabel}</th><th>${currentLabel}</th><th>unit</th><th>change</th><th>CI</th><th>p</th><th>MDE</th>${ab ? '<th>rounds / pairs</th>' : ''}<th>notes</th></tr></thead><tbody>
${rows}
</tbody></table>
${notes.length ? `<ol class="notes">${notes.map((n, i) => `<li id="note-${i + 1}">${esc(n)}</li>`).join('')}</ol>` : ''}
<p><code>~</code> = not statistically significant (Mann-Whitney U at α=0.01 and the bootstrap CI of the median ratio). MDE = minimum detectable effect at 80% power: do not set budgets or tolerances tighter than it.</p>
${targetsTable(metrics)}
${attachmentsHtml(run)}
<h2>Distributions: baseline vs current</h2>
${sections}
${run.profileDiffs?.length ? `<h2>Where the time went (CPU profile diff)</h2>${run.profileDiffs.map((d) => `<h3>${esc(d.suite)}: <code>${esc(d.metric)}</code> (<a href="${esc(d.path.replace(/\.md$/, '.html'))}">diff</a>)</h3><ul>${d.headlines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`).join('')}` : ''}
${run.profiles?.length ? `<h2>Profiles</h2><ul>${run.profiles.map((p) => `<li><a href="${esc(p)}">${esc(p)}</a></li>`).join('')}</ul><p>.cpuprofile: Chrome DevTools (Performance, load profile) or speedscope; .heapsnapshot: DevTools Memory or memlab.</p>` : ''}
<h2>Run context</h2>
${contextList(run)}
</body></html>
`;
}
