// Batch repositories against real PGlite: ingest with failure reports, fetch-many, joins, NLI and
// verification storage in one round trip, hostile input stored verbatim.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { openEphemeralDatabase, truncateAll } from '../testing.ts';
import { clusteredVectors } from '../../search/synthetic-vectors.ts';
import { insertClaims, getClaimsByIds } from './claims.ts';
import { countEmbeddings, getEmbeddings, upsertEmbeddings } from './embeddings.ts';
import { countEvidence, getEvidenceByIds, getEvidenceWithEmbeddings, ingestEvidence } from './evidence.ts';
import { getNliResultsForClaims, insertNliResults, type NliInput } from './nli.ts';
import { getVerificationsForClaims, storeVerifications, type VerificationInput } from './verifications.ts';

const MODEL = { id: 'm1', hash: 'sha-1' };
const vectors = clusteredVectors({ n: 50, seed: 3 });
let db: Database;

beforeAll(async () => {
  db = await openEphemeralDatabase();
});
afterAll(async () => db?.close());
beforeEach(async () => truncateAll(db));

describe('evidence ingest', () => {
  it('writes chunks with their embeddings, one transaction per chunk', async () => {
    const items = vectors.slice(0, 25).map((v, i) => ({ evidence: { id: `e${i}`, content: `text ${i}`, source: 's', url: null, category: 'c' }, embedding: v }));
    const { value: report, stats } = await db.measure('ingest', () => ingestEvidence(db, items, { model: MODEL, chunkSize: 10 }));
    expect(report).toEqual({ written: 25, embeddings: 25, failed: [], chunks: 3 });
    // per chunk: BEGIN, evidence insert, embedding upsert, COMMIT
    expect(stats.roundTrips).toBe(12);
    expect(await countEvidence(db)).toBe(25);
    expect(await countEmbeddings(db, 'evidence', MODEL.id)).toBe(25);
  });

  it('reports bad rows with their reason and still writes the good ones', async () => {
    const good = (i: number) => ({ evidence: { id: `g${i}`, content: `fine ${i}` }, embedding: vectors[i]! });
    const nan = Float32Array.from(vectors[0]!);
    nan[7] = Number.POSITIVE_INFINITY;
    const report = await ingestEvidence(
      db,
      [
        good(0),
        { evidence: { id: 'short', content: 'x' }, embedding: new Float32Array(383) },
        { evidence: { id: 'inf', content: 'x' }, embedding: nan },
        good(0),
        { evidence: { id: '', content: 'no id' } },
        { evidence: { id: 'empty', content: '   ' } },
        { evidence: { id: 'nul', content: 'a\u0000b' } },
        good(1),
      ],
      { model: MODEL },
    );
    expect(report.written).toBe(2);
    expect(report.failed).toEqual([
      { index: 1, id: 'short', reason: 'embedding: expected 384 dimensions, got 383' },
      { index: 2, id: 'inf', reason: 'embedding: component 7 is Infinity (not a finite number)' },
      { index: 3, id: 'g0', reason: 'duplicate id "g0" in this batch' },
      { index: 4, id: '', reason: 'missing or non-string id' },
      { index: 5, id: 'empty', reason: 'missing or empty content' },
      { index: 6, id: 'nul', reason: 'content contains a NUL character' },
    ]);
  });

  it('an empty batch is a no-op without round trips', async () => {
    const { value, stats } = await db.measure('empty', () => ingestEvidence(db, []));
    expect(value).toEqual({ written: 0, embeddings: 0, failed: [], chunks: 0 });
    expect(stats.roundTrips).toBe(0);
    expect(await getEvidenceByIds(db, [])).toEqual([]);
  });

  it('stores SQL metacharacters, unicode and 10k-character text verbatim', async () => {
    const nasty = `'); DROP TABLE evidence; -- "quoted" \\ backslash $1 $$ %s ; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 مرحبا 漢字 🧪`;
    const long = 'x'.repeat(9_990) + 'é∑'.repeat(5);
    const report = await ingestEvidence(db, [
      { evidence: { id: "id'with\"quotes;--", content: nasty, source: nasty, metadata: { note: nasty } } },
      { evidence: { id: 'long', content: long } },
    ]);
    expect(report.failed).toEqual([]);
    const rows = await getEvidenceByIds(db, ['long', "id'with\"quotes;--"]);
    expect(rows.map((r) => r.id)).toEqual(['long', "id'with\"quotes;--"]);
    expect(rows[0]!.content).toBe(long);
    expect(rows[0]!.content).toHaveLength(10_000);
    expect(rows[1]).toMatchObject({ content: nasty, source: nasty, metadata: { note: nasty } });
  });

  it('bulk mode drops the GIN and ANN indexes for the load and rebuilds them from their own definitions', async () => {
    await db.query('CREATE INDEX embeddings_embedding_hnsw_idx ON embeddings USING hnsw (embedding vector_cosine_ops) WITH (m = 8)');
    const definitions = async () =>
      (await db.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('evidence', 'embeddings') ORDER BY indexname")).rows;
    const before = await definitions();
    try {
      const items = vectors.slice(0, 20).map((v, i) => ({ evidence: { id: `b${i}`, content: `bulk volcanic passage ${i}` }, embedding: v }));
      items[7] = { evidence: { id: 'b7', content: '' }, embedding: vectors[7]! };
      const report = await ingestEvidence(db, items, { model: MODEL, chunkSize: 8, bulk: true });
      expect(report).toMatchObject({ written: 19, embeddings: 19, chunks: 3, failed: [{ index: 7, id: 'b7', reason: 'missing or empty content' }] });
      expect(report.rebuiltIndexes!.map((r) => r.name)).toEqual(['embeddings_embedding_hnsw_idx', 'evidence_tsv_idx']);
      expect(await definitions()).toEqual(before);
      const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM evidence WHERE tsv @@ websearch_to_tsquery('english', 'volcanic')");
      expect(rows[0]!.n).toBe('19');
    } finally {
      await db.query('DROP INDEX IF EXISTS embeddings_embedding_hnsw_idx');
    }
  });

  it('re-ingesting an id updates it (idempotent ingest)', async () => {
    await ingestEvidence(db, [{ evidence: { id: 'a', content: 'old' } }]);
    await ingestEvidence(db, [{ evidence: { id: 'a', content: 'new', category: 'health' } }]);
    expect(await getEvidenceByIds(db, ['a'])).toEqual([{ id: 'a', content: 'new', source: null, url: null, category: 'health', metadata: {} }]);
  });
});

describe('embeddings and joins', () => {
  it('upserts in batches, last duplicate wins, invalid vectors reported', async () => {
    await ingestEvidence(db, [0, 1, 2].map((i) => ({ evidence: { id: `e${i}`, content: `c${i}` } })));
    const { value: report, stats } = await db.measure('upsert', () =>
      upsertEmbeddings(db, 'evidence', MODEL, [
        { entityId: 'e0', vector: vectors[0]! },
        { entityId: 'e1', vector: vectors[1]! },
        { entityId: 'e0', vector: vectors[2]! },
        { entityId: 'e2', vector: [1, 2, 3] },
      ], { chunkSize: 1 }),
    );
    expect(report).toEqual({ written: 2, failed: [{ index: 3, entityId: 'e2', reason: 'expected 384 dimensions, got 3' }] });
    expect(stats.roundTrips).toBe(2);
    const got = await getEmbeddings(db, 'evidence', MODEL.id, ['e0', 'e1', 'e2']);
    expect([...got.keys()].sort()).toEqual(['e0', 'e1']);
    expect(Array.from(got.get('e0')!)).toEqual(Array.from(vectors[2]!));
  });

  it('fetches evidence joined with its embedding in one query, in the order asked', async () => {
    await ingestEvidence(db, [0, 1, 2].map((i) => ({ evidence: { id: `e${i}`, content: `c${i}` }, embedding: vectors[i]! })), { model: MODEL });
    const { value: rows, stats } = await db.measure('join', () => getEvidenceWithEmbeddings(db, ['e2', 'missing', 'e0'], MODEL.id));
    expect(stats.roundTrips).toBe(1);
    expect(rows.map((r) => r.id)).toEqual(['e2', 'e0']);
    expect(rows[0]!.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(rows[0]!.embedding!)).toEqual(Array.from(vectors[2]!));
    expect((await getEvidenceWithEmbeddings(db, ['e1'], 'other-model'))[0]!.embedding).toBeNull();
  });
});

describe('claims, NLI and verification results', () => {
  const nli = (evidenceId: string, label: NliInput['label']): NliInput => ({
    evidenceId,
    label,
    entailment: label === 'entailment' ? 0.8 : 0.1,
    neutral: label === 'neutral' ? 0.8 : 0.1,
    contradiction: label === 'contradiction' ? 0.8 : 0.1,
    modelId: 'nli-1',
  });
  const verification = (claim: VerificationInput['claim'], rows: NliInput[]): VerificationInput => ({
    claim,
    verdict: 'SUPPORTED',
    confidence: 0.75,
    scores: { entailment: 0.7, neutral: 0.2, contradiction: 0.1 },
    counts: { evidence: rows.length, supporting: 1, refuting: 0, neutral: rows.length - 1 },
    pipelineVersion: 'test-1',
    retrievalMethod: 'hnsw',
    timings: { embedMs: 1.5, nliMs: 20 },
    nli: rows,
  });

  it('inserts claims multi-row and returns ids in input order', async () => {
    const ids = await insertClaims(db, [{ text: 'b' }, { text: 'a', externalId: 'x1' }, { text: 'c' }]);
    expect(ids).toEqual([1, 2, 3]);
    expect(await getClaimsByIds(db, [3, 2])).toEqual([
      { id: 3, externalId: null, text: 'c' },
      { id: 2, externalId: 'x1', text: 'a' },
    ]);
  });

  it('inserts NLI rows multi-row with RETURNING, probabilities under their true names', async () => {
    await ingestEvidence(db, [{ evidence: { id: 'e1', content: 'c' } }, { evidence: { id: 'e2', content: 'd' } }]);
    const [claimId] = await insertClaims(db, [{ text: 'claim' }]);
    const ids = await insertNliResults(db, claimId!, [nli('e1', 'entailment'), nli('e2', 'contradiction')]);
    expect(ids).toHaveLength(2);
    const rows = await getNliResultsForClaims(db, [claimId!]);
    expect(rows.map((r) => [r.evidenceId, r.label, r.entailment, r.contradiction])).toEqual([
      ['e1', 'entailment', expect.closeTo(0.8, 6), expect.closeTo(0.1, 6)],
      ['e2', 'contradiction', expect.closeTo(0.1, 6), expect.closeTo(0.8, 6)],
    ]);
    await expect(insertNliResults(db, claimId!, [{ ...nli('e1', 'neutral'), neutral: Number.NaN }])).rejects.toThrow(/neutral probability NaN/);
  });

  it('stores a batch of verifications with new and existing claims and their NLI rows in one round trip', async () => {
    await ingestEvidence(db, ['e1', 'e2', 'e3'].map((id) => ({ evidence: { id, content: id } })));
    const [existing] = await insertClaims(db, [{ text: 'already there' }]);
    const { value: stored, stats } = await db.measure('store', () =>
      storeVerifications(db, [
        verification({ text: 'new claim', externalId: 'c-9' }, [nli('e1', 'entailment'), nli('e2', 'neutral')]),
        verification({ id: existing! }, [nli('e3', 'contradiction')]),
        verification({ text: 'no evidence' }, []),
      ]),
    );
    expect(stats.roundTrips).toBe(1);
    expect(stored.map((s) => s.nliIds.length)).toEqual([2, 1, 0]);
    expect(stored[1]!.claimId).toBe(existing);
    const claims = await getClaimsByIds(db, stored.map((s) => s.claimId));
    expect(claims.map((c) => c.text)).toEqual(['new claim', 'already there', 'no evidence']);
    const results = await getVerificationsForClaims(db, [stored[0]!.claimId]);
    expect(results).toEqual([
      expect.objectContaining({ id: stored[0]!.verificationId, verdict: 'SUPPORTED', retrievalMethod: 'hnsw', timings: { embedMs: 1.5, nliMs: 20 }, counts: { evidence: 2, supporting: 1, refuting: 0, neutral: 1 } }),
    ]);
    const nliRows = await getNliResultsForClaims(db, [stored[0]!.claimId, existing!]);
    expect(nliRows.map((r) => [r.claimId, r.evidenceId, r.verificationId])).toEqual([
      [stored[1]!.claimId, 'e3', stored[1]!.verificationId],
      [stored[0]!.claimId, 'e1', stored[0]!.verificationId],
      [stored[0]!.claimId, 'e2', stored[0]!.verificationId],
    ].sort((a, b) => Number(a[0]) - Number(b[0])));
  });

  it('is atomic: an NLI row pointing at unknown evidence stores nothing', async () => {
    await expect(storeVerifications(db, [verification({ text: 'x' }, [nli('nope', 'neutral')])])).rejects.toThrow(/foreign key/);
    const { rows } = await db.query('SELECT (SELECT count(*) FROM claims) AS c, (SELECT count(*) FROM verification_results) AS v');
    expect(rows[0]).toEqual({ c: '0', v: '0' });
  });
});
