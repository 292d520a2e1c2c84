// Which A/B design gives the steadier paired ratio on this machine? (src/perf/README.md, A/B mode.)
// Workload: the int8 embedder, batch 32, on the embeddings suite's 256 short texts per sample.
//   two-process: two fresh processes (one per side) driven in lockstep by this parent, A B / B A;
//   one-process: one fresh process that loads both sides' embedder modules (from two source
//                trees with identical dependencies) and alternates A B / B A itself.
// A round is one fresh process (pair); the figure that matters is the spread of the round medians
// of log(head/base) (process-level variance) next to the spread of pairs within a round.
//   npx tsx scripts/ab-design-experiment.ts --design two-process --base-dir .cache/ab/base-<sha> --rounds 6 --pairs 30
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { median, stddev } from '../src/perf/stats/descriptive.ts';
import { defaultCacheDir, PROJECT_ROOT } from '../src/shared/paths.ts';
import { profileTexts } from '../perf-tests/workloads/model-profile.ts';

type Embedder = { embed(texts: readonly string[]): Promise<unknown>; dispose(): Promise<void> };

async function loadFrom(root: string): Promise<Embedder> {
  const mod = (await import(pathToFileURL(path.join(root, 'src/truthgraph/embedding/embedder.ts')).href)) as {
    loadEmbedder: (o: { cacheDir: string; variant: 'int8'; batchSize: number }) => Promise<Embedder>;
  };
  return mod.loadEmbedder({ cacheDir: defaultCacheDir(), variant: 'int8', batchSize: 32 });
}

async function timeOnce(e: Embedder, texts: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await e.embed(texts);
  return Number(process.hrtime.bigint() - t0);
}

const texts = profileTexts('short', 256);

/** Child: serves `sample` requests for one embedder (two-process) or both (one-process). */
async function child(roots: string[]): Promise<void> {
  const embedders = await Promise.all(roots.map(loadFrom));
  for (const e of embedders) for (let i = 0; i < 3; i++) await e.embed(texts);
  process.on('message', async (m: { side: number } | 'exit') => {
    if (m === 'exit') {
      await Promise.all(embedders.map((e) => e.dispose()));
      process.exit(0);
    }
    process.send!({ ns: await timeOnce(embedders[(m as { side: number }).side]!, texts) });
  });
  process.send!('ready');
}

function ask(c: ChildProcess, side: number): Promise<number> {
  return new Promise((resolve) => {
    c.once('message', (m: { ns: number }) => resolve(m.ns));
    c.send({ side });
  });
}

function start(roots: string[]): Promise<ChildProcess> {
  const c = fork(new URL(import.meta.url).pathname, ['--child', roots.join(path.delimiter)], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve) => c.once('message', () => resolve(c)));
}

async function round(design: string, baseDir: string, pairs: number): Promise<number[]> {
  const ratios: number[] = [];
  if (design === 'two-process') {
    const [a, b] = await Promise.all([start([baseDir]), start([PROJECT_ROOT])]);
    for (let i = 0; i < pairs; i++) {
      let ta: number;
      let tb: number;
      if (i % 2 === 0) {
        ta = await ask(a, 0);
        tb = await ask(b, 0);
      } else {
        tb = await ask(b, 0);
        ta = await ask(a, 0);
      }
      ratios.push(Math.log(tb / ta));
    }
    for (const c of [a, b]) c.send('exit');
  } else {
    const c = await start([baseDir, PROJECT_ROOT]);
    for (let i = 0; i < pairs; i++) {
      let ta: number;
      let tb: number;
      if (i % 2 === 0) {
        ta = await ask(c, 0);
        tb = await ask(c, 1);
      } else {
        tb = await ask(c, 1);
        ta = await ask(c, 0);
      }
      ratios.push(Math.log(tb / ta));
    }
    c.send('exit');
  }
  return ratios;
}

const { values } = parseArgs({ options: { design: { type: 'string' }, 'base-dir': { type: 'string' }, rounds: { type: 'string' }, pairs: { type: 'string' }, child: { type: 'string' } } });
if (values.child) {
  await child(values.child.split(path.delimiter));
} else {
  const design = values.design ?? 'two-process';
  const baseDir = path.resolve(values['base-dir'] ?? PROJECT_ROOT);
  const R = Number(values.rounds ?? 6);
  const P = Number(values.pairs ?? 30);
  const medians: number[] = [];
  const within: number[] = [];
  for (let r = 0; r < R; r++) {
    const ratios = await round(design, baseDir, P);
    medians.push(median(ratios));
    within.push(stddev(ratios));
    console.log(`${design} round ${r + 1}: median ratio ${Math.exp(median(ratios)).toFixed(4)}, pair SD ${(stddev(ratios) * 100).toFixed(2)}%`);
  }
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  console.log(
    JSON.stringify({
      design,
      rounds: R,
      pairs: P,
      roundMedians: medians.map((m) => Number(Math.exp(m).toFixed(4))),
      betweenRoundSd: pct(stddev(medians)),
      medianPairSd: pct(median(within)),
    }),
  );
}
