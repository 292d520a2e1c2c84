// Reads evidence for `ingest`: a JSON array, a generated corpus ({ items: [...] }), JSONL, or CSV with a
// header row (id, content, source, url, category; other columns go to metadata). Parse errors name the line.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';
import type { EvidenceInput } from '../db/repositories/evidence.ts';

const KNOWN = new Set(['id', 'content', 'source', 'url', 'category']);

function toEvidence(raw: Record<string, unknown>): EvidenceInput {
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN.has(key) && value !== '' && value != null) metadata[key] = value;
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
  return {
    id: raw.id === undefined || raw.id === null ? (undefined as unknown as string) : String(raw.id),
    content: raw.content as string,
    source: str(raw.source),
    url: str(raw.url),
    category: str(raw.category),
    metadata,
  };
}

/** RFC 4180: quoted fields with "" escapes and embedded newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function parseEvidenceText(text: string, format: 'json' | 'jsonl' | 'csv', name = 'input'): EvidenceInput[] {
  if (format === 'csv') {
    const [header, ...rows] = parseCsv(text);
    if (!header || !header.includes('id') || !header.includes('content')) {
      throw new UserError(`${name}: CSV needs a header row with at least id and content columns`, { fix: 'add a first line like: id,content,source,url,category' });
    }
    return rows.map((r) => toEvidence(Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? '']))));
  }
  if (format === 'jsonl') {
    return text.split(/\r?\n/).flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [toEvidence(JSON.parse(line) as Record<string, unknown>)];
      } catch (cause) {
        throw new UserError(`${name}: line ${i + 1} is not valid JSON`, { cause, fix: 'each line of a .jsonl file must be one JSON object' });
      }
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new UserError(`${name}: not valid JSON (${(cause as Error).message})`, { cause, fix: 'use a JSON array of evidence objects, JSONL (.jsonl) or CSV (.csv)' });
  }
  const items = Array.isArray(doc) ? doc : (doc as { items?: unknown })?.items;
  if (!Array.isArray(items)) {
    throw new UserError(`${name}: expected a JSON array (or an object with an "items" array)`, { fix: 'wrap the evidence objects in [ ... ]' });
  }
  return items.map((item) => toEvidence(item as Record<string, unknown>));
}

export function readEvidenceFile(file: string): EvidenceInput[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read ${file}: ${(cause as Error).message}`, { cause, fix: 'check the path' });
  }
  const ext = path.extname(file).toLowerCase();
  const format = ext === '.csv' ? 'csv' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'json';
  return parseEvidenceText(text, format, path.basename(file));
}
