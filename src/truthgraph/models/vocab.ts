// The synthetic packs' WordPiece vocabulary: BERT's special ids, every character the fixtures use
// (alone and as a ## continuation), common suffixes, the fixtures' own words, then English words by
// popularity until exactly 30522 entries. Deterministic for a given word list and fixture set.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { words as popularWords } from 'popular-english-words';

export const VOCAB_SIZE = 30522;
export const PAD_ID = 0;
export const UNK_ID = 100;
export const CLS_ID = 101;
export const SEP_ID = 102;
export const MASK_ID = 103;

const SUFFIXES = [
  's', 'es', 'ed', 'd', 'ing', 'ly', 'er', 'ers', 'est', 'ion', 'ions', 'tion', 'tions', 'ation', 'ment', 'ments',
  'ness', 'ity', 'ive', 'al', 'ous', 'ful', 'less', 'able', 'ible', 'ic', 'ical', 'ism', 'ist', 'ists', 'ize', 'ized',
  'ise', 'ised', 'y', 'en', 'an', 'ian', 'ia', 'a', 'o', 'e', 'i', 'um', 'us', 'or', 'ors', 'ure', 'age', 'ance', 'ence',
];

/** BERT's normalizer (clean text, CJK spacing, lowercase, strip accents) as used to collect words. */
export function bertNormalize(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || (/\p{Cc}|\p{Cf}/u.test(ch) && !/\s/u.test(ch))) continue;
    if (/\s/u.test(ch)) out += ' ';
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  const asciiPunct = (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return asciiPunct || /\p{P}/u.test(ch);
}

/** BertPreTokenizer: split on whitespace, and every punctuation character is its own word. */
export function preTokenize(normalized: string): string[] {
  const out: string[] = [];
  for (const chunk of normalized.split(/\s+/u)) {
    let word = '';
    for (const ch of chunk) {
      if (isPunctuation(ch)) {
        if (word) out.push(word);
        out.push(ch);
        word = '';
      } else word += ch;
    }
    if (word) out.push(word);
  }
  return out;
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}

function listJson(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listJson(full));
    else if (entry.endsWith('.json')) files.push(full);
  }
  return files;
}

export interface Vocabulary {
  /** Token strings by id, exactly VOCAB_SIZE of them. */
  tokens: string[];
  /** Rank of the token in the popular-words list, or -1: frequent words carry little meaning. */
  commonRank: Int32Array;
  /** sha256 of the token list: part of the pack hash. */
  hash: string;
}

/** Builds the vocabulary from the popular-english-words list and the words of every fixture JSON under `corpusDir`. */
export function buildVocabulary(corpusDir: string): Vocabulary {
  const texts: string[] = [];
  for (const file of listJson(corpusDir)) collectStrings(JSON.parse(readFileSync(file, 'utf8')), texts);
  const wordCounts = new Map<string, number>();
  const chars = new Set<string>();
  for (const text of texts) {
    for (const word of preTokenize(bertNormalize(text))) {
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
      for (const ch of word) chars.add(ch);
    }
  }
  for (let c = 33; c < 127; c++) chars.add(String.fromCharCode(c).toLowerCase());

  const tokens: string[] = ['[PAD]'];
  for (let i = 0; i < 99; i++) tokens.push(`[unused${i}]`);
  tokens.push('[UNK]', '[CLS]', '[SEP]', '[MASK]');
  const seen = new Set(tokens);
  const add = (t: string): void => {
    if (tokens.length < VOCAB_SIZE && t && !seen.has(t)) {
      seen.add(t);
      tokens.push(t);
    }
  };
  const sortedChars = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  for (const ch of sortedChars) add(ch);
  for (const ch of sortedChars) add(`##${ch}`);
  for (const s of SUFFIXES) add(`##${s}`);
  const fixtureWords = [...wordCounts.entries()]
    .filter(([w]) => [...w].length <= 40)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([w]) => w);
  for (const w of fixtureWords) add(w);
  const popular = popularWords.getAll();
  for (const w of popular) {
    if (tokens.length >= VOCAB_SIZE) break;
    if (w.length <= 20) add(w);
  }
  if (tokens.length !== VOCAB_SIZE) throw new Error(`vocabulary has ${tokens.length} tokens, expected ${VOCAB_SIZE}`);

  const rankOf = new Map<string, number>();
  for (let i = 0; i < Math.min(popular.length, 5000); i++) if (!rankOf.has(popular[i]!)) rankOf.set(popular[i]!, i);
  const commonRank = new Int32Array(VOCAB_SIZE).fill(-1);
  tokens.forEach((t, id) => {
    const r = rankOf.get(t);
    if (r !== undefined) commonRank[id] = r;
  });
  const hash = createHash('sha256').update(tokens.join('\n')).digest('hex');
  return { tokens, commonRank, hash };
}
