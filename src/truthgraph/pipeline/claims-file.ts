// Batch input files: a JSON array (of strings or {text|claim, id}), a {claims: [...]} document (the
// TruthGraph fixture shape) or JSON Lines. The whole file is validated before any claim is verified:
// a malformed line N stops the run with an error naming line N, and nothing is verified or written.
import { readFile, rename, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileWriteError, UserError } from '../../shared/errors.ts';
import type { ClaimInput } from './types.ts';

function fromItem(item: unknown, where: string, file: string): ClaimInput {
  if (typeof item === 'string') return { text: item };
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const text = o.text ?? o.claim;
    if (typeof text === 'string') {
      const id = o.id ?? o.external_id;
      return id === undefined || id === null ? { text } : { text, externalId: String(id) };
    }
  }
  throw new UserError(`${file}: ${where}: expected a claim string or an object with a "text" string`, {
    fix: 'each claim is "text" or {"id": "c1", "text": "..."}; fix that entry and rerun (nothing was verified)',
  });
}

function lineOf(source: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < source.length; i++) if (source.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Parses claims from file content; `name` is used in error messages and picks JSON vs JSONL. */
export function parseClaims(content: string, name: string): ClaimInput[] {
  const text = content.replace(/^\uFEFF/, '');
  const jsonl = /\.(jsonl|ndjson)$/i.test(name) || (!/\.json$/i.test(name) && !/^\s*[[{]/.test(text));
  if (jsonl) {
    const claims: ClaimInput[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new UserError(`${name}: line ${i + 1} is not valid JSON (${(error as Error).message})`, {
          fix: `fix line ${i + 1} of ${name} and rerun; nothing was verified or written`,
        });
      }
      claims.push(fromItem(value, `line ${i + 1}`, name));
    });
    return claims;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    const where = pos ? `line ${lineOf(text, Number(pos[1]))}` : 'the document';
    throw new UserError(`${name}: ${where} is not valid JSON (${message})`, {
      fix: `fix ${where} of ${name} (or use JSON Lines, one claim per line) and rerun; nothing was verified or written`,
    });
  }
  const items = Array.isArray(doc) ? doc : (doc as { claims?: unknown } | null)?.claims;
  if (!Array.isArray(items)) {
    throw new UserError(`${name}: expected a JSON array of claims or an object with a "claims" array`, {
      fix: 'write ["claim one", "claim two"] or {"claims": [{"id": "c1", "text": "..."}]}, or use .jsonl',
    });
  }
  return items.map((item, i) => fromItem(item, `claim ${i + 1}`, name));
}

export async function readClaimsFile(file: string): Promise<ClaimInput[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read claims file ${file}: ${(error as Error).message}`, {
      fix: 'pass an existing .json or .jsonl file to --file',
      cause: error,
    });
  }
  const claims = parseClaims(content, path.basename(file));
  if (claims.length === 0) throw new UserError(`${file} holds no claims`, { fix: 'add at least one claim' });
  return claims;
}

/** Writes via a temporary file in the same folder and a rename: readers never see half a file. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data, 'utf8');
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw fileWriteError(file, error); // a full disk is a clear error, not a stack trace
  }
}
