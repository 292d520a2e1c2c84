// Bad input sweep: every command that takes input, fed the inputs users (and fuzzers) actually send.
// Each case ends with a clear error (exit 2 and a fix line) or a correct result (exit 0; exit 1 with
// the failed rows named for an ingest with rejected rows), and never with a stack trace alone or an
// unexpected exit code. The real CLI code path runs (run(argv, io)): real models, a real embedded
// database. Native crashes from long command lines are covered by long-argv.test.ts (spawned CLI).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../shared/io.ts';
import { defaultCacheDir } from '../shared/paths.ts';
import { run } from './main.ts';
import { SAMPLE_EVIDENCE } from './fix-command.ts';

const SLOW = 600_000; // models load per command and the machine is shared
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-bad-input-'));
fs.symlinkSync(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DB = ['--db-name', 'sweep'];
const MB_TEXT = 'The tower was finished in 1889 and painted every seven years. '.repeat(17_000); // ~1 MB
const RTL_COMBINING = 'برج إيفل اكتمل عام 1889 — שלום — e\u0301te\u0301 cafe\u0301 n\u0303';
const NUL_TEXT = 'The tower\u0000 was finished\u0000 in 1889';
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|native\)?)$/m;

/** Files the cases read, written once into the scratch dir. */
const FILES: Record<string, Buffer | string> = {
  'empty.txt': '',
  'empty.json': '',
  'blank.jsonl': ' \n\t\n  \n',
  'binary.bin': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
  'binary.json': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
  'invalid-utf8.txt': Buffer.concat([Buffer.from('The tower was finished in '), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(' 1889\n')]),
  'invalid-utf8.jsonl': Buffer.concat([Buffer.from('{"id":"u1","content":"The tower was finished in '), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(' 1889"}\n')]),
  'mb.txt': MB_TEXT,
  'mb-evidence.jsonl': JSON.stringify({ id: 'mb1', content: MB_TEXT }) + '\n',
  'rtl.jsonl': JSON.stringify({ id: 'r1', content: RTL_COMBINING }) + '\n',
  'nul-evidence.jsonl': JSON.stringify({ id: 'n1', content: NUL_TEXT }) + '\n',
  'nul-claims.jsonl': JSON.stringify(NUL_TEXT) + '\n',
  'object.json': JSON.stringify({ id: 'e1', content: 'a single evidence object, not an array' }),
  'claims-object.json': JSON.stringify({ text: 'a single claim object, not an array or {claims}' }),
  'quoted-newlines.csv': 'id,content,source\nq1,"The tower was finished\nin 1889, ""they"" said",wiki\nq2,plain row,wiki\n',
  'duplicate-id.jsonl': '{"id":"d1","content":"first"}\n{"id":"d1","content":"second"}\n{"id":"d2","content":"third"}\n',
  '100k.jsonl': Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ id: `l${i}`, content: `line ${i} of a long file` })).join('\n') + '\n',
  '100k-claims-broken.jsonl': Array.from({ length: 99_999 }, (_, i) => JSON.stringify(`claim ${i}`)).join('\n') + '\n{"text": broken}\n',
};

interface Case {
  name: string;
  args: string[];
  stdin?: string;
  /** 0 = correct result, 1 = ingest with rejected rows (named), 2 = clear error with a fix line. */
  code: 0 | 1 | 2;
  /** What the output (stdout + stderr) must say. */
  says: RegExp;
}

const CASES: Case[] = [
  // empty and whitespace
  { name: 'verify: empty claim', args: ['verify', '', ...DB], code: 2, says: /claim is empty/ },
  { name: 'verify: whitespace claim', args: ['verify', ' \t\n ', ...DB], code: 2, says: /claim is empty/ },
  { name: 'verify: empty stdin', args: ['verify', '-', ...DB], stdin: '', code: 2, says: /claim is empty/ },
  { name: 'verify --file: empty file', args: ['verify', '--file', 'empty.json', ...DB], code: 2, says: /empty\.json/ },
  { name: 'verify --file: blank lines only', args: ['verify', '--file', 'blank.jsonl', ...DB], code: 2, says: /blank\.jsonl/ },
  { name: 'embed: empty text', args: ['embed', ''], code: 2, says: /text 1 is empty/ },
  { name: 'embed: whitespace text', args: ['embed', '   '], code: 2, says: /text 1 is empty/ },
  { name: 'embed --file: empty file', args: ['embed', '--file', 'empty.txt'], code: 2, says: /nothing to embed/ },
  { name: 'search: empty query', args: ['search', '', ...DB], code: 2, says: /query is empty/ },
  { name: 'search: whitespace query', args: ['search', '\t \n', ...DB], code: 2, says: /query is empty/ },
  { name: 'nli: empty premise', args: ['nli', '--premise', '', '--hypothesis', 'x'], code: 2, says: /premise is empty/ },
  { name: 'nli: whitespace hypothesis', args: ['nli', '--premise', 'x', '--hypothesis', '  '], code: 2, says: /hypothesis is empty/ },
  { name: 'ingest: empty file', args: ['ingest', 'empty.json', ...DB], code: 2, says: /empty\.json/ },
  { name: 'ingest: blank lines only', args: ['ingest', 'blank.jsonl', ...DB], code: 2, says: /blank\.jsonl: no evidence rows in the file/ },
  // 1 MB of text
  { name: 'verify: 1 MB claim on stdin', args: ['verify', '-', ...DB], stdin: MB_TEXT, code: 0, says: /SUPPORTED|REFUTED|NOT ENOUGH INFO|INSUFFICIENT/i },
  { name: 'embed: 1 MB text on stdin', args: ['embed', '-'], stdin: MB_TEXT, code: 0, says: /dims\)/ },
  { name: 'search: 1 MB query from a file', args: ['search', '--file', 'mb.txt', ...DB], code: 0, says: /\d\. |similarity|\bsim/i },
  { name: 'nli: 1 MB premise on stdin', args: ['nli', '--premise', '-', '--hypothesis', 'The tower was finished in 1889'], stdin: MB_TEXT, code: 0, says: /label: / },
  { name: 'ingest: a 1 MB evidence row', args: ['ingest', 'mb-evidence.jsonl', ...DB], code: 0, says: /ingested 1\/1 rows \(1 embeddings/ },
  // binary
  { name: 'verify --file: binary', args: ['verify', '--file', 'binary.json', ...DB], code: 2, says: /binary\.json/ },
  { name: 'embed --file: binary', args: ['embed', '--file', 'binary.bin'], code: 0, says: /dims\)/ },
  { name: 'search --file: binary', args: ['search', '--file', 'binary.bin', ...DB], code: 0, says: /embedded with|similarity|\d\. /i },
  { name: 'nli --premise-file: binary', args: ['nli', '--premise-file', 'binary.bin', '--hypothesis', 'x'], code: 0, says: /label: / },
  { name: 'ingest: binary', args: ['ingest', 'binary.json', ...DB], code: 2, says: /binary\.json: not valid JSON/ },
  // invalid UTF-8
  { name: 'embed --file: invalid UTF-8', args: ['embed', '--file', 'invalid-utf8.txt'], code: 0, says: /\uFFFD|dims\)/ },
  { name: 'search --file: invalid UTF-8', args: ['search', '--file', 'invalid-utf8.txt', '--mode', 'hybrid', ...DB], code: 0, says: /\d\. |similarity/i },
  { name: 'ingest: invalid UTF-8', args: ['ingest', 'invalid-utf8.jsonl', ...DB], code: 0, says: /ingested 1\/1 rows/ },
  // RTL and combining marks
  { name: 'verify: RTL and combining marks', args: ['verify', RTL_COMBINING, ...DB], code: 0, says: /SUPPORTED|REFUTED|NOT ENOUGH INFO|INSUFFICIENT/i },
  { name: 'embed: RTL and combining marks', args: ['embed', RTL_COMBINING], code: 0, says: /dims\)/ },
  { name: 'search: RTL and combining marks (hybrid)', args: ['search', RTL_COMBINING, '--mode', 'hybrid', ...DB], code: 0, says: /\d\. |similarity/i },
  { name: 'ingest: RTL and combining marks', args: ['ingest', 'rtl.jsonl', ...DB], code: 0, says: /ingested 1\/1 rows/ },
  // NUL bytes (they cannot come through a real argv, but through stdin and files they do)
  { name: 'verify: NUL bytes on stdin', args: ['verify', '-', ...DB], stdin: NUL_TEXT, code: 0, says: /SUPPORTED|REFUTED|NOT ENOUGH INFO|INSUFFICIENT/i },
  { name: 'verify --file: NUL bytes in a claim', args: ['verify', '--file', 'nul-claims.jsonl', ...DB], code: 0, says: /verified 1 claim/ },
  { name: 'embed: NUL bytes on stdin', args: ['embed', '-'], stdin: NUL_TEXT, code: 0, says: /dims\)/ },
  { name: 'search: NUL bytes on stdin (hybrid: full text in the database)', args: ['search', '-', '--mode', 'hybrid', ...DB], stdin: NUL_TEXT, code: 0, says: /\d\. |similarity/i },
  { name: 'nli: NUL bytes on stdin', args: ['nli', '--premise', '-', '--hypothesis', 'x'], stdin: NUL_TEXT, code: 0, says: /label: / },
  { name: 'ingest: NUL bytes in content (Postgres text cannot hold them: the row is refused, named)', args: ['ingest', 'nul-evidence.jsonl', ...DB], code: 1, says: /failed row 1 \(n1\): content contains a NUL character/ },
  // structure
  { name: 'ingest: a JSON object where an array is expected', args: ['ingest', 'object.json', ...DB], code: 2, says: /expected a JSON array/ },
  { name: 'verify --file: a JSON object where an array is expected', args: ['verify', '--file', 'claims-object.json', ...DB], code: 2, says: /claims-object\.json/ },
  { name: 'ingest: CSV with quoted newlines', args: ['ingest', 'quoted-newlines.csv', ...DB], code: 0, says: /ingested 2\/2 rows/ },
  { name: 'ingest: duplicate id', args: ['ingest', 'duplicate-id.jsonl', ...DB], code: 1, says: /failed row 2 \(d1\): duplicate id "d1"/ },
  { name: 'ingest: 100k lines', args: ['ingest', '100k.jsonl', '--no-embed', '--db-name', 'sweep-100k'], code: 0, says: /ingested 100000\/100000 rows/ },
  { name: 'verify --file: 100k lines, the last one broken', args: ['verify', '--file', '100k-claims-broken.jsonl', ...DB], code: 2, says: /line 100000 is not valid JSON/ },
];

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: tmp, env: { TRUTHGRAPH_CACHE_DIR: tmp, TRUTHGRAPH_DB_PROVIDER: 'embedded' }, readStdin: async () => stdin });
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

beforeAll(async () => {
  for (const [name, content] of Object.entries(FILES)) fs.writeFileSync(path.join(tmp, name), content);
  const ingest = await cli(['ingest', SAMPLE_EVIDENCE, ...DB]);
  expect(ingest.code, ingest.err).toBe(0);
}, SLOW);

describe('bad input sweep', () => {
  it.each(CASES)('$name', { timeout: SLOW }, async ({ args, stdin, code, says }) => {
    const r = await cli(args, stdin);
    const all = r.out + r.err;
    expect(r.err, 'no stack trace').not.toMatch(STACK_LINE);
    expect(r.code, all.slice(0, 2000)).toBe(code);
    expect(all).toMatch(says);
    if (code === 2) expect(r.err).toMatch(/^error: [^\n]+\n {2}fix: \S/m);
  });
});
