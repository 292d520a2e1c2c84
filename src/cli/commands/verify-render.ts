// Pure text renderers for `verify` and `demo`: a result, and the summary of a batch run.
import type { RunSummary } from '../../truthgraph/pipeline/summary.ts';
import type { PackUse, StageTimings, VerificationResult } from '../../truthgraph/pipeline/types.ts';

export const SYNTHETIC_WARNING =
  'SYNTHETIC model packs: these verdicts measure pipeline cost, not truth (load real packs for meaningful verdicts).';

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

export function formatPack(p: PackUse): string {
  return `${p.name} (${p.variant}, ${p.hash.slice(0, 12)}${p.synthetic ? ', synthetic' : ''})`;
}

export function formatTimings(t: StageTimings): string {
  const sum = t.embed + t.retrieve + t.nli + t.aggregate + t.store;
  return (
    `embed ${ms(t.embed)} | retrieve ${ms(t.retrieve)} | nli ${ms(t.nli)} | aggregate ${ms(t.aggregate)} | store ${ms(t.store)}` +
    ` | total ${ms(t.total)} (stages ${pct(t.total > 0 ? sum / t.total : 1)} of total)`
  );
}

export function formatResult(r: VerificationResult): string {
  const lines: string[] = [];
  if (r.synthetic) lines.push(`!! ${SYNTHETIC_WARNING}`, '');
  lines.push(`claim:      ${r.claim}${r.truncated ? '  [truncated]' : ''}`);
  lines.push(`verdict:    ${r.verdict}  confidence ${r.confidence.toFixed(3)}${r.conflict ? '  [CONFLICT: strong support and refutation]' : ''}`);
  lines.push(
    `scores:     SUPPORTED ${r.scores.SUPPORTED.toFixed(3)}  REFUTED ${r.scores.REFUTED.toFixed(3)}  INSUFFICIENT ${r.scores.INSUFFICIENT.toFixed(3)}  (strategy ${r.strategy})`,
  );
  lines.push('', `evidence (top ${r.k}, ${r.mode})${r.evidence.length === 0 ? ': none retrieved' : ':'}`);
  if (r.evidence.length > 0) {
    lines.push(`  ${pad('id', 16)} ${pad('sim', 6)} ${pad('label', 13)} ${pad('ent', 5)} ${pad('neu', 5)} ${pad('con', 5)} content`);
    for (const e of r.evidence) {
      const p = e.probabilities;
      lines.push(
        `  ${pad(truncate(e.id, 16), 16)} ${e.similarity.toFixed(3).padStart(6)} ${pad(e.label, 13)} ${p.entailment.toFixed(2).padStart(5)} ${p.neutral
          .toFixed(2)
          .padStart(5)} ${p.contradiction.toFixed(2).padStart(5)} ${truncate(e.content, 60)}`,
      );
    }
  }
  lines.push('', `timings:    ${formatTimings(r.timings)}`);
  lines.push(`engine:     ${r.engine}`);
  lines.push(`packs:      embedder ${formatPack(r.packs.embedder)}; nli ${formatPack(r.packs.nli)}`);
  if (r.stored) lines.push(`stored:     claim ${r.stored.claimId}, verification ${r.stored.verificationId}`);
  return lines.join('\n') + '\n';
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  if (s.synthetic) lines.push(`!! ${SYNTHETIC_WARNING}`);
  lines.push(
    `verified ${s.claims} claims in ${(s.wallMs / 1000).toFixed(2)} s (${s.batches} batch${s.batches === 1 ? "" : "es"}): ${s.throughput.toFixed(1)} claims/s`,
    `verdicts: SUPPORTED ${s.verdicts.SUPPORTED}, REFUTED ${s.verdicts.REFUTED}, INSUFFICIENT ${s.verdicts.INSUFFICIENT}` +
      ` (conflicts ${s.conflicts}, truncated ${s.truncated}, embedding cache hits ${s.embeddingCacheHits})`,
    `latency per claim (its batch's wall time): p50 ${ms(s.latencyMs.p50)}, p95 ${ms(s.latencyMs.p95)}, max ${ms(s.latencyMs.max)}`,
    `stage totals: ${formatTimings(s.stageMs)}`,
    `engine: ${s.engine}`,
  );
  if (s.packs) lines.push(`packs: embedder ${formatPack(s.packs.embedder)}; nli ${formatPack(s.packs.nli)}`);
  return lines.join('\n') + '\n';
}
