// Deterministic corpus generator: grows the 250 TruthGraph seed passages (CC BY 4.0) into N realistic
// passages for the perf suites. Same (size, seed) -> byte-identical output. Generated passages recombine
// sentences of same-category seeds with framing phrases, so they read like evidence, share vocabulary
// with real claims (full-text hits) and cluster by topic (realistic ANN recall).
import fs from 'node:fs';
import path from 'node:path';
import { DATASET_DIR } from '../../shared/paths.ts';
import { seededRng as rng } from '../../perf/stats/rng.ts';

export const CORPUS_ATTRIBUTION =
  'Derived from "TruthGraph sample datasets", The TruthGraph Contributors, CC BY 4.0 (github.com/brianpaden/truthgraph); recombined by truthgraph-perf.';

export const CORPUS_SIZES = [1_000, 5_000, 10_000, 50_000] as const;

export interface SeedPassage {
  id: string;
  content: string;
  source: string;
  url: string;
  category: string;
}

export interface CorpusPassage extends SeedPassage {
  /** Seed ids the passage was built from (itself for seeds). */
  derivedFrom: string[];
  generated: boolean;
}

export interface Corpus {
  attribution: string;
  size: number;
  seed: number;
  items: CorpusPassage[];
}

export function loadSeedPassages(file: string = path.join(DATASET_DIR, 'evidence_corpus.json')): SeedPassage[] {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as SeedPassage[];
  return raw.map(({ id, content, source, url, category }) => ({ id, content, source, url, category }));
}

const LEADS = [
  '', '', '', 'According to {source}, ', 'Research summarised by {source} notes that ', 'As documented by {source}, ',
  'Reference material states that ', 'Experts point out that ', 'It is well established that ', 'Records show that ',
  'Published reviews report that ', 'Standard sources agree that ',
];
const BRIDGES = [' ', ' In addition, ', ' Furthermore, ', ' Separately, ', ' Relatedly, ', ' By comparison, ', ' Notably, '];
const TAILS = [
  '', '', '', ' This is widely cited in {category} literature.', ' Further detail is available from {source}.',
  ' The finding has been confirmed by several independent reviews.', ' Estimates vary slightly between sources.',
  ' This remains a common topic of {category} fact-checking.',
];

// Split at sentence ends followed by a capital, so "1.5-4°C" and "U.S. law" stay whole.
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z"(])/).map((s) => s.trim()).filter(Boolean);
}

const COMMON_OPENERS = new Set(['The', 'A', 'An', 'It', 'This', 'These', 'There', 'In', 'Most', 'Many', 'Some', 'Humans', 'People', 'Each', 'Every', 'About']);

// Lower only common sentence openers, so proper nouns and acronyms ("NASA", "Athens") keep their case.
function lowerFirst(s: string): string {
  const word = s.split(/\s/, 1)[0] ?? '';
  return COMMON_OPENERS.has(word) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** Pure: the seeds first (ids kept), then generated passages until `size`. */
export function generateCorpus(seeds: readonly SeedPassage[], size: number, seed = 42): Corpus {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`corpus size must be a positive integer, got ${size}`);
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const byCategory = new Map<string, SeedPassage[]>();
  for (const s of seeds) byCategory.set(s.category, [...(byCategory.get(s.category) ?? []), s]);
  const items: CorpusPassage[] = seeds.slice(0, size).map((s) => ({ ...s, derivedFrom: [s.id], generated: false }));
  const seen = new Set(items.map((i) => i.content));
  let attempts = 0;
  while (items.length < size) {
    if (++attempts > size * 50) throw new Error('corpus generator could not find enough distinct passages');
    const base = pick(seeds);
    const other = pick(byCategory.get(base.category)!);
    const baseSentences = sentences(base.content);
    const first = baseSentences.slice(0, 1 + Math.floor(next() * baseSentences.length));
    const parts = [...first];
    const fill = (t: string) => t.replace('{source}', base.source).replace('{category}', base.category);
    if (other.id !== base.id && next() < 0.6) {
      const extra = pick(sentences(other.content));
      const bridge = pick(BRIDGES).trim();
      parts.push(bridge ? `${bridge} ${lowerFirst(extra)}` : extra);
    }
    const lead = fill(pick(LEADS));
    let content = parts.join(' ');
    if (lead) content = lead + lowerFirst(content);
    content += fill(pick(TAILS));
    if (seen.has(content)) continue;
    seen.add(content);
    const n = items.length + 1;
    items.push({
      id: `gen_${base.category}_${String(n).padStart(6, '0')}`,
      content,
      source: base.source,
      url: base.url,
      category: base.category,
      derivedFrom: other.id !== base.id && parts.length > first.length ? [base.id, other.id] : [base.id],
      generated: true,
    });
  }
  return { attribution: CORPUS_ATTRIBUTION, size, seed, items };
}

/** Writes <dir>/evidence_<size>_s<seed>.json once (reused when present) and returns its path. */
export function writeCorpus(dir: string, size: number, seed = 42, seeds: readonly SeedPassage[] = loadSeedPassages()): string {
  const file = path.join(dir, `evidence_${size}_s${seed}.json`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(generateCorpus(seeds, size, seed)));
  fs.renameSync(tmp, file);
  return file;
}
