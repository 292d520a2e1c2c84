// Long inputs never reach onnxruntime through the command line (docs/onnxruntime-long-argv.md):
// the real CLI, spawned as a user would, refuses a 100,000-character argument with exit 2 and the
// way to pass it (never a native crash, exit 139), answers with long argument lists under the
// limit even with onnxruntime's telemetry switched on (bin/truthgraph.js re-executes itself), and
// takes long texts on stdin.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, PROJECT_ROOT } from '../shared/paths.ts';
import { MAX_ARGUMENT_CHARS } from './text-input.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'truthgraph.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-long-argv-'));
fs.symlinkSync(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LONG = 'word '.repeat(20_000); // 100,000 characters

function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: tmp,
    encoding: 'utf8',
    timeout: 90_000,
    input: options.input ?? '',
    env: { ...process.env, TRUTHGRAPH_CACHE_DIR: tmp, TRUTHGRAPH_DB_PROVIDER: 'embedded', ...options.env },
  });
}

describe('a 100,000-character argument', () => {
  it.each([
    ['embed', ['embed', LONG], /--file texts\.txt .*embed - < text\.txt/],
    ['nli', ['nli', '--premise', 'The tower was finished in 1889.', '--hypothesis', LONG], /--hypothesis-file/],
    ['verify', ['verify', LONG], /truthgraph verify - < claim\.txt/],
    ['search', ['search', LONG, '--k', '3'], /search --file query\.txt/],
  ])('%s: exit 2 with the limit and the way to pass long input, before any model loads', (_name, args, fix) => {
    const r = cli(args);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: argument \d is 100,000 characters long: texts on the command line are limited to 10,000 characters\n {2}fix: /);
    expect(r.stderr).toMatch(fix);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(tmp, 'db'))).toBe(false); // nothing was started
  }, 100_000);
});

describe('long inputs that are allowed', () => {

  it('36 kB of arguments under the per-argument limit: answered (re-executed with the arguments on a pipe)', () => {
    const text = 'a '.repeat(MAX_ARGUMENT_CHARS / 2 - 500); // 9,000 characters
    const r = cli(['embed', '--variant', 'int8', '--json', text, text, text, text], { env: { ORT_DISABLE_TELEMETRY: '0' } });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { embeddings: { text: string; vector: number[] }[] };
    expect(out.embeddings.map((e) => e.text.length)).toEqual([9000, 9000, 9000, 9000]);
    expect(out.embeddings[0]!.vector).toHaveLength(384);
  }, 100_000);

  it('a 100,000-character text on stdin (`-`) is embedded', () => {
    const r = cli(['embed', '-', '--variant', 'int8', '--json'], { input: LONG, env: { ORT_DISABLE_TELEMETRY: '0' } });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { embeddings: { text: string; vector: number[] }[] };
    expect(out.embeddings).toHaveLength(1);
    expect(out.embeddings[0]!.text).toHaveLength(100_000);
  }, 100_000);
});
