import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { parseClaims, readClaimsFile, writeFileAtomic } from './claims-file.ts';
import { normaliseClaim } from './normalise.ts';

describe('parseClaims', () => {
  it('reads JSON arrays, {claims} documents and JSON Lines', () => {
    expect(parseClaims('["a", {"id": 7, "text": "b"}]', 'x.json')).toEqual([{ text: 'a' }, { text: 'b', externalId: '7' }]);
    expect(parseClaims('{"claims": [{"id": "t1", "text": "c"}]}', 'x.json')).toEqual([{ text: 'c', externalId: 't1' }]);
    expect(parseClaims('"a"\n\n{"claim": "b"}\r\n', 'x.jsonl')).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('a malformed JSONL line N fails naming line N (nothing is kept)', () => {
    expect(() => parseClaims('"ok"\n"also ok"\n{"text": oops}\n"fine"', 'claims.jsonl')).toThrow(/claims\.jsonl: line 3 is not valid JSON/);
    expect(() => parseClaims('"ok"\n{"nope": 1}', 'claims.jsonl')).toThrow(/line 2: expected a claim string/);
  });

  it('a malformed JSON document names the line', () => {
    expect(() => parseClaims('[\n"a",\n"b"\n"c"\n]', 'c.json')).toThrow(/c\.json: line 4 is not valid JSON/);
    expect(() => parseClaims('{"x": 1}', 'c.json')).toThrow(/"claims" array/);
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temporary behind', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-atomic-'));
    const file = path.join(dir, 'out.json');
    await writeFileAtomic(file, '{"a":1}');
    await writeFileAtomic(file, '{"a":2}');
    expect(await readFile(file, 'utf8')).toBe('{"a":2}');
    expect(await readdir(dir)).toEqual(['out.json']);
  });
});

describe('readClaimsFile', () => {
  it('a file with invalid UTF-8 bytes still reads: bad bytes become U+FFFD and the claim stays verifiable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-utf8-'));
    const file = path.join(dir, 'claims.jsonl');
    await writeFile(file, Buffer.concat([Buffer.from('"Water boils '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' at 100 C"\n"ok"\n')]));
    const claims = await readClaimsFile(file);
    expect(claims).toHaveLength(2);
    expect(claims[0]!.text).toContain('\uFFFD');
    expect(normaliseClaim(claims[0]!.text, 100).text.startsWith('Water boils')).toBe(true);
  });
});

// `verify --out` on a full disk, on a real file system that is full: a 192 KiB tmpfs (mounting
// needs root, which CI has; elsewhere the test is skipped).
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-results-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=192k', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch {
  // not root: skipped below
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('writeFileAtomic on a full disk', () => {
  it('the old results file is intact, no temp file is left, the error names the file and the fix (not a stack trace)', async () => {
    const file = path.join(mountPoint, 'results.json');
    await writeFileAtomic(file, '{"old":true}\n');
    const free = fs.statfsSync(mountPoint).bavail * fs.statfsSync(mountPoint).bsize;
    fs.writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(Math.max(0, free - 20 * 1024)));
    const error = await writeFileAtomic(file, 'x'.repeat(100 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`cannot write ${file}: no space left on the device (ENOSPC); the previous results.json, if any, is unchanged`);
    expect((error as UserError).fix).toBe(`free space on the file system of ${mountPoint} (df -h ${mountPoint}), then run the command again`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"old":true}\n');
    expect(fs.readdirSync(mountPoint).sort()).toEqual(['filler', 'results.json']);
  });
});
