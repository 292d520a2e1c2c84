// The verify and demo commands through run(argv, io), on a private cache dir (packs shared by symlink).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../shared/paths.ts';
import { memoryIo } from '../../shared/io.ts';
import { run } from '../main.ts';

let tmp: string;
const io = () => memoryIo({ cwd: tmp, env: { TRUTHGRAPH_CACHE_DIR: tmp, TRUTHGRAPH_DB_PROVIDER: 'embedded' } });
const common = ['--db-name', 'cli', '--variant', 'int8'];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tg-verify-cli-'));
  await symlink(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe('verify / demo CLI', () => {
  it('a malformed line N fails naming line N, before anything is loaded, and writes nothing', async () => {
    await writeFile(path.join(tmp, 'bad.jsonl'), '"The Eiffel Tower was completed in 1889"\n\n{"text": broken}\n"fine"\n');
    const out = io();
    expect(await run(['verify', '--file', 'bad.jsonl', '--out', 'bad-results.json', ...common], out)).toBe(2);
    expect(out.err.join('')).toMatch(/bad\.jsonl: line 3 is not valid JSON/);
    expect(out.err.join('')).toMatch(/nothing was verified or written/);
    expect(existsSync(path.join(tmp, 'bad-results.json'))).toBe(false);
    expect(existsSync(path.join(tmp, 'db'))).toBe(false); // no database was even started
  });

  it('an empty claim is a clear error', async () => {
    const out = io();
    expect(await run(['verify', '  ', ...common], out)).toBe(2);
    expect(out.err.join('')).toMatch(/claim is empty/);
  });

  it('verify on an empty store names the command that loads the sample corpus into that database', async () => {
    const out = io();
    expect(await run(['verify', 'Water boils at 100 degrees Celsius', '--db-name', 'empty', '--variant', 'int8'], out)).toBe(2);
    expect(out.err.join('')).toMatch(/evidence store is empty[\s\S]*npx truthgraph ingest \S+evidence_corpus\.json --db-name empty --variant int8, then rerun/);
  });

  it('demo loads the sample corpus and verifies every sample claim; verify --file then writes results atomically', async () => {
    const demo = io();
    expect(await run(['demo', '--json', ...common], demo)).toBe(0);
    const report = JSON.parse(demo.out.join('')) as {
      summary: { claims: number; synthetic: boolean; verdicts: Record<string, number> };
      linkedEvidenceRetrieved: { hits: number; of: number };
      results: unknown[];
    };
    expect(report.summary.claims).toBe(25);
    expect(report.results).toHaveLength(25);
    expect(report.summary.synthetic).toBe(true);
    expect(Object.values(report.summary.verdicts).reduce((a, b) => a + b, 0)).toBe(25);

    await writeFile(path.join(tmp, 'claims.json'), JSON.stringify({ claims: [{ id: 'c1', text: 'The Titanic sank in 1912' }, 'The Earth is flat', 'The Earth is flat'] }));
    const batch = io();
    expect(await run(['verify', '--file', 'claims.json', '--out', 'results.json', ...common], batch)).toBe(0);
    const text = batch.out.join('');
    expect(text).toMatch(/verified 3 claims/);
    expect(text).toMatch(/SYNTHETIC model packs/);
    expect(text).toMatch(/p50 .* p95/);
    const written = JSON.parse(await readFile(path.join(tmp, 'results.json'), 'utf8')) as { summary: { claims: number }; results: { externalId?: string; verdict: string }[] };
    expect(written.summary.claims).toBe(3);
    expect(written.results.map((r) => r.externalId)).toEqual(['c1', undefined, undefined]);
    expect(written.results[1]!.verdict).toBe(written.results[2]!.verdict);

    const single = io();
    expect(await run(['verify', 'The Eiffel Tower was completed in 1889', '--json', '-k', '3', '--strategy', 'majority', ...common], single)).toBe(0);
    const r = JSON.parse(single.out.join('')) as { evidence: unknown[]; strategy: string; synthetic: boolean; engine: string; timings: Record<string, number> };
    expect(r.evidence).toHaveLength(3);
    expect(r.strategy).toBe('majority');
    expect(r.synthetic).toBe(true);
    expect(r.engine).toMatch(/PGlite/);
    expect(Object.keys(r.timings).sort()).toEqual(['aggregate', 'embed', 'nli', 'retrieve', 'store', 'total']);
  });
});
