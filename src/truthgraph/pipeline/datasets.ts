// The TruthGraph sample datasets shipped in fixtures/truthgraph (CC BY 4.0, "TruthGraph sample datasets,
// The TruthGraph Contributors"): claims with linked evidence ids, and the evidence itself.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DATASET_DIR } from '../../shared/paths.ts';
import { UserError } from '../../shared/errors.ts';
import type { EvidenceInput } from '../db/repositories/evidence.ts';

export interface DatasetClaim {
  id: string;
  text: string;
  expectedVerdict: string | null;
  evidenceIds: string[];
}

export interface Dataset {
  name: string;
  claims: DatasetClaim[];
  evidence: EvidenceInput[];
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new UserError(`cannot read dataset file ${file}: ${(cause as Error).message}`, {
      fix: 'restore fixtures/truthgraph from git (git checkout -- fixtures/truthgraph)',
      cause,
    });
  }
}

type Raw = Record<string, unknown>;

function claimsOf(doc: Raw): DatasetClaim[] {
  return ((doc.claims as Raw[] | undefined) ?? []).map((c) => ({
    id: String(c.id),
    text: String(c.text),
    expectedVerdict: typeof c.expected_verdict === 'string' ? c.expected_verdict : null,
    evidenceIds: Array.isArray(c.evidence_ids) ? c.evidence_ids.map(String) : [],
  }));
}

function evidenceOf(doc: Raw, category: string): EvidenceInput[] {
  return ((doc.evidence as Raw[] | undefined) ?? []).map((e) => ({
    id: String(e.id),
    // The sample files say `content`, the edge-case files say `text`.
    content: String(e.content ?? e.text),
    source: typeof e.source === 'string' ? e.source : null,
    url: typeof e.url === 'string' ? e.url : null,
    category,
    metadata: { dataset: category, ...(typeof e.nli_label === 'string' ? { nli_label: e.nli_label } : {}) },
  }));
}

/** test_claims.json + sample_evidence.json: 25 claims, 55 evidence items. */
export async function loadSampleDataset(dir: string = DATASET_DIR): Promise<Dataset> {
  const [claims, evidence] = await Promise.all([readJson(path.join(dir, 'test_claims.json')), readJson(path.join(dir, 'sample_evidence.json'))]);
  return { name: 'sample', claims: claimsOf(claims), evidence: evidenceOf(evidence, 'sample') };
}

/** real_world_claims.json + real_world_evidence.json. */
export async function loadRealWorldDataset(dir: string = DATASET_DIR): Promise<Dataset> {
  const [claims, evidence] = await Promise.all([readJson(path.join(dir, 'real_world_claims.json')), readJson(path.join(dir, 'real_world_evidence.json'))]);
  return { name: 'real_world', claims: claimsOf(claims), evidence: evidenceOf(evidence, 'real_world') };
}

/** One edge_cases/<name>.json file (claims and their evidence in one document). */
export async function loadEdgeCaseDataset(name: string, dir: string = DATASET_DIR): Promise<Dataset> {
  const doc = await readJson(path.join(dir, 'edge_cases', `${name}.json`));
  return { name: `edge_${name}`, claims: claimsOf(doc), evidence: evidenceOf(doc, `edge_${name}`) };
}
