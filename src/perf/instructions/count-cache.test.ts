import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstructionCount } from './count.ts';
import { cachedCount, countKey, type CountKeyParts } from './count-cache.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'count-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A checkout at `root` whose bundle embeds its own path, as the real bundles do. */
function checkout(root: string, code = 'export const n = 1;'): CountKeyParts {
  const bundleDir = path.join(root, '.cache', 'instructions', 'abc');
  fs.mkdirSync(bundleDir, { recursive: true });
  // esbuild names chunks by a hash of their contents, which hold the root's path.
  const chunk = `chunk-${createHash('sha256').update(root).digest('hex').slice(0, 8).toUpperCase()}.mjs`;
  fs.writeFileSync(path.join(bundleDir, chunk), `${code}\nexport const dir = ${JSON.stringify(root)};\n`);
  fs.writeFileSync(path.join(bundleDir, 'entry.mjs'), `import { dir } from './${chunk}';\nconst here = ${JSON.stringify(pathToFileURL(path.join(root, 'src/x.ts')).href)};\n`);
  fs.mkdirSync(path.join(root, 'fixtures'), { recursive: true });
  fs.writeFileSync(path.join(root, 'fixtures', 'data.json'), '[1,2,3]');
  return { bundleDir, root, workload: 'w', iterations: 10, environment: ['node 20'], inputs: [path.join(root, 'fixtures')], listings: [] };
}

function fakeCount(outDir: string, perOp: number): InstructionCount {
  fs.mkdirSync(outDir, { recursive: true });
  for (const i of [1, 2, 3]) fs.writeFileSync(path.join(outDir, `callgrind.out.${i}`), `totals: ${i}`);
  return { workload: 'w', iterations: 10, warmup: 2, async: false, perOp, parts: { startup: 1, n: 10, twoN: 20 }, fixedPerPart: 0, wallMs: 5, outDir };
}

describe('instruction count reuse', () => {
  it('the same code in two checkouts has one key; a change of code, input, iterations or environment gives another', () => {
    const a = checkout(tmp());
    const b = checkout(tmp());
    expect(countKey(a)).toBe(countKey(b));
    const changed = checkout(tmp(), 'export const n = 2;');
    expect(countKey(changed)).not.toBe(countKey(a));
    expect(countKey({ ...a, iterations: 20 })).not.toBe(countKey(a));
    expect(countKey({ ...a, environment: ['node 22'] })).not.toBe(countKey(a));
    fs.writeFileSync(path.join(b.root, 'fixtures', 'data.json'), '[1,2,4]');
    expect(countKey(b)).not.toBe(countKey(a));
  });

  it("two callers of one key at once count once; the second gets the first one's count and its callgrind files", async () => {
    const cache = tmp();
    const out = tmp();
    let counted = 0;
    const count = (dir: string) => async (): Promise<InstructionCount> => {
      counted++;
      await new Promise((r) => setTimeout(r, 300));
      return fakeCount(dir, 1234);
    };
    const [first, second] = await Promise.all([
      cachedCount(cache, 'k1', path.join(out, 'base'), count(path.join(out, 'base'))),
      cachedCount(cache, 'k1', path.join(out, 'head'), count(path.join(out, 'head'))),
    ]);
    expect(counted).toBe(1);
    expect([first.count.perOp, second.count.perOp]).toEqual([1234, 1234]);
    const reused = [first, second].find((c) => c.reused);
    expect(reused?.reused?.key).toBe('k1');
    expect(fs.readFileSync(path.join(reused!.count.outDir, 'callgrind.out.3'), 'utf8')).toBe('totals: 3');
  });

  it('a lock left by a process that died is taken over', async () => {
    const cache = tmp();
    fs.writeFileSync(path.join(cache, 'k2.lock'), '999999999'); // no such pid
    const out = tmp();
    const got = await cachedCount(cache, 'k2', out, async () => fakeCount(out, 42));
    expect(got).toMatchObject({ count: { perOp: 42 } });
    expect(got.reused).toBeUndefined();
    expect(fs.existsSync(path.join(cache, 'k2.lock'))).toBe(false);
  });
});
