import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packDir } from '../models/testing/packs.ts';
import { TextTokenizer, lengthBuckets, padBatch } from './tokenizer.ts';

let tok: TextTokenizer;
beforeAll(async () => {
  const dir = await packDir('minilm-l6-h384');
  tok = new TextTokenizer(JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
});

const tokens = (ids: Int32Array) => Array.from(ids, (id) => tok.idToToken(id));

describe('synthetic WordPiece tokenizer', () => {
  it('has BERT special ids and exactly 30522 unique entries', () => {
    expect([tok.tokenToId('[PAD]'), tok.tokenToId('[UNK]'), tok.tokenToId('[CLS]'), tok.tokenToId('[SEP]'), tok.tokenToId('[MASK]')]).toEqual([0, 100, 101, 102, 103]);
    expect(tok.idToToken(30521)).toBeDefined();
    expect(tok.idToToken(30522)).toBeUndefined();
  });

  it('lowercases, strips accents, splits punctuation and uses ## continuations', () => {
    const e = tok.encode('The Eiffel Tower, café — 1889!', 256);
    expect(tokens(e.ids)).toEqual(['[CLS]', 'the', 'eiffel', 'tower', ',', 'cafe', '[UNK]', '1889', '!', '[SEP]']);
    expect(e.ids[0]).toBe(101);
    expect(e.ids[e.ids.length - 1]).toBe(102);
    expect(tokens(tok.encode('xylophonist', 256).ids).slice(1, -1).every((t, i) => (i === 0 ? !t!.startsWith('##') : t!.startsWith('##')))).toBe(true);
  });

  it('encodes empty and whitespace-only text as [CLS] [SEP]', () => {
    expect(Array.from(tok.encode('', 256).ids)).toEqual([101, 102]);
    expect(Array.from(tok.encode(' \n\t ', 256).ids)).toEqual([101, 102]);
  });

  it('truncates a 100k-character text to maxTokens, ending with [SEP]', () => {
    const e = tok.encode('evidence '.repeat(12_000).slice(0, 100_000), 256);
    expect(e.ids.length).toBe(256);
    expect(e.ids[255]).toBe(102);
  });

  it('encodes pairs with type ids 0 then 1', () => {
    const e = tok.encodePair('water boils', 'it is hot', 512);
    expect(tokens(e.ids)).toEqual(['[CLS]', 'water', 'boils', '[SEP]', 'it', 'is', 'hot', '[SEP]']);
    expect(Array.from(e.typeIds)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('truncates pairs longest-first', () => {
    const long = 'word '.repeat(600);
    const e = tok.encodePair(long, 'short claim here', 512);
    expect(e.ids.length).toBe(512);
    expect(Array.from(e.typeIds).filter((t) => t === 1).length).toBe(4); // 3 claim tokens + [SEP]: the claim is kept whole
    const both = tok.encodePair(long, long, 20);
    expect(both.ids.length).toBe(20);
    expect(Array.from(both.typeIds).filter((t) => t === 0).length).toBe(1 + 8 + 1); // 17 pieces: 8 premise, 9 claim
  });
});

describe('batching helpers', () => {
  it('sorts by length into capped batches, stable on index', () => {
    expect(lengthBuckets([5, 3, 9, 3, 7], 2)).toEqual([[1, 3], [0, 4], [2]]);
    expect(lengthBuckets([10, 10, 10, 10], 8, 25)).toEqual([[0, 1], [2, 3]]);
  });

  it('pads to the longest item with a prefix mask', () => {
    const b = padBatch(
      [{ ids: Int32Array.from([101, 7, 102]), typeIds: new Int32Array(3) }, { ids: Int32Array.from([101, 102]), typeIds: new Int32Array(2) }],
      0,
    );
    expect(b.seqLen).toBe(3);
    expect(Array.from(b.inputIds, Number)).toEqual([101, 7, 102, 101, 102, 0]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 0]);
  });
});
