// A generated CI history file with known steps, to see what `perf history` shows when the level
// moves (the committed baselines have too few versions for a step):
//   npx tsx scripts/history-demo.ts /tmp/demo.jsonl
//   npx truthgraph perf history --no-git --reports-dir /tmp/none --file /tmp/demo.jsonl --out /tmp/demo --check
// 90 nightly runs, 3% noise (seeded): `verify latency p50` creeps up 4% at runs 30 and 60 (each
// within a PR's noise, 8% together); `embed b32` improves 12% at run 45; `round trips` is flat.
import fs from 'node:fs';
import { normalSamples } from '../src/perf/stats/rng.ts';
import type { HistoryEntry } from '../src/perf/runner/history.ts';

const out = process.argv[2];
if (!out) {
  console.error('usage: npx tsx scripts/history-demo.ts <history.jsonl>');
  process.exit(2);
}
const n = 90;
const latency = normalSamples(n, 1, 0.03, 21);
const embed = normalSamples(n, 1, 0.03, 22);
const lines = Array.from({ length: n }, (_, i): HistoryEntry => {
  const lat = 120 * latency[i]! * (i >= 30 ? 1.04 : 1) * (i >= 60 ? 1.04 : 1);
  const emb = 400 * embed[i]! * (i >= 45 ? 1.12 : 1);
  return {
    schemaVersion: 1,
    runId: `nightly-${i + 1}`,
    sha: ((i + 1) * 2654435761 % 2 ** 32).toString(16).padStart(8, '0').padEnd(40, '0'),
    baseSha: null,
    date: new Date(Date.UTC(2026, 8, 1 + i, 3)).toISOString(),
    envClass: 'linux-x64-intel-xeon-2c-pglite',
    mode: 'compare',
    profile: 'quick',
    event: 'schedule',
    runUrl: null,
    exitCode: 0,
    metrics: [
      { suite: 'pipeline', name: 'verify latency p50', unit: 'ms', direction: 'lower', kind: 'timing', estimate: lat, ci: [lat * 0.98, lat * 1.02], status: 'PASS', ratio: null, ratioCi: null },
      { suite: 'embeddings', name: 'embed b32', unit: 'texts/s', direction: 'higher', kind: 'timing', estimate: emb, ci: [emb * 0.97, emb * 1.03], status: 'PASS', ratio: null, ratioCi: null },
      { suite: 'db-queries', name: 'round trips', unit: 'count', direction: 'lower', kind: 'exact', estimate: 3, ci: null, status: 'PASS', ratio: null, ratioCi: null },
    ],
  };
});
fs.writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`wrote ${n} runs to ${out}`);
