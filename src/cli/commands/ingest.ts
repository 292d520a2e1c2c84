// `truthgraph ingest <file>`: read evidence (JSON/JSONL/CSV), embed it, store evidence + embeddings in
// chunks; reports failed rows and splits embedding time from database time.
// `truthgraph ingest --stored`: embed the evidence already in the database with this pack/variant.
// One transaction per chunk and upserts by id: a run stopped by a lost database leaves whole chunks
// only, and rerunning the same command completes it without duplicating anything.
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { UserError } from '../../shared/errors.ts';
import { Database, describeEngine } from '../../truthgraph/db/database.ts';
import { evidencePage, ingestEvidence, type IngestReport } from '../../truthgraph/db/repositories/evidence.ts';
import { modelRefFromPack, upsertEmbeddings } from '../../truthgraph/db/repositories/embeddings.ts';
import { readEvidenceFile } from '../../truthgraph/corpus/evidence-file.ts';
import { loadEmbedder, type Embedder } from '../../truthgraph/embedding/embedder.ts';
import type { CommandContext } from '../command-context.ts';
import { cliCommand, rerunAfterDatabaseLoss, SAMPLE_EVIDENCE } from '../fix-command.ts';
import { addDbFlags, dbConfigFrom, engineJson, type DbFlags } from './db-flags.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, intFlag, packJson, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

type Flags = DbFlags & ServiceFlags & { chunkSize?: string; embed: boolean; stored?: boolean };

/** A database failure in the middle of a run: what is stored, and the rerun that completes it. */
function stopped(error: unknown, db: Database, done: string, ctx: CommandContext): unknown {
  if (!(error instanceof UserError)) return error;
  const fix = rerunAfterDatabaseLoss(ctx.argv, db.server.provider, error.fix, 'stored rows are updated, never duplicated');
  return new UserError(`${error.message}\n  ${done} before it stopped (one transaction per chunk: no chunk is half-written)`, { fix, cause: error });
}

function progressBar(ctx: CommandContext, flags: Flags, total: number, chunkSize: number): cliProgress.SingleBar | undefined {
  return ctx.io.isTTY && !flags.json && total > chunkSize ? new cliProgress.SingleBar({ format: 'ingest [{bar}] {value}/{total} rows' }, cliProgress.Presets.shades_classic) : undefined;
}

async function ingestFile(file: string, flags: Flags, chunkSize: number, ctx: CommandContext): Promise<void> {
  const items = readEvidenceFile(path.resolve(ctx.io.cwd, file));
  if (items.length === 0) {
    // Nothing to store is a mistake in the file (or the wrong file), not a successful ingest of 0 rows.
    throw new UserError(`${file}: no evidence rows in the file`, { fix: 'pass a file with evidence rows: a JSON array of {id, content} objects, JSONL (one per line) or CSV with an id,content header' });
  }
  const embedder = flags.embed ? await withOptions(() => loadEmbedder(serviceOptions(flags, ctx.io))) : undefined;
  let db: Database;
  try {
    db = await Database.open(dbConfigFrom(flags, ctx.io), { log: (m) => !flags.json && ctx.io.stderr(m + '\n'), warn: (m) => ctx.io.stderr(m + '\n') });
  } catch (error) {
    await embedder?.dispose();
    throw error;
  }
  const bar = progressBar(ctx, flags, items.length, chunkSize);
  const total: IngestReport = { written: 0, embeddings: 0, failed: [], chunks: 0 };
  let embedMs = 0;
  let dbMs = 0;
  try {
    bar?.start(items.length, 0);
    for (let start = 0; start < items.length; start += chunkSize) {
      const chunk = items.slice(start, start + chunkSize);
      let vectors: (Float32Array | undefined)[] = chunk.map(() => undefined);
      if (embedder) {
        const t = performance.now();
        const texts = chunk.map((e) => (typeof e.content === 'string' ? e.content : ''));
        const ok = texts.map((text, i) => (text.trim() ? i : -1)).filter((i) => i >= 0);
        const embedded = await embedder.embed(ok.map((i) => texts[i]!));
        vectors = chunk.map(() => undefined);
        ok.forEach((i, j) => (vectors[i] = embedded[j]));
        embedMs += performance.now() - t;
      }
      const t = performance.now();
      let report: IngestReport;
      try {
        report = await ingestEvidence(
          db,
          chunk.map((evidence, i) => (vectors[i] ? { evidence, embedding: vectors[i] } : { evidence })),
          { chunkSize, ...(embedder ? { model: modelRefFromPack(embedder.pack) } : {}) },
        );
      } catch (error) {
        throw stopped(error, db, `${total.written} of ${items.length} rows were stored`, ctx);
      }
      dbMs += performance.now() - t;
      total.written += report.written;
      total.embeddings += report.embeddings;
      total.chunks += report.chunks;
      total.failed.push(...report.failed.map((f) => ({ ...f, index: f.index + start })));
      bar?.update(Math.min(start + chunkSize, items.length));
    }
    bar?.stop();
    if (total.failed.length) ctx.setExitCode(1);
    if (flags.json) {
      ctx.io.stdout(JSON.stringify({ file, rows: items.length, ...total, embedMs, dbMs, engine: engineJson(db), pack: embedder ? packJson(embedder.pack) : null }) + '\n');
      return;
    }
    ctx.io.stdout(`${describeEngine(db.engine)}\n`);
    ctx.io.stdout(`ingested ${total.written}/${items.length} rows (${total.embeddings} embeddings${embedder ? ` with ${modelRefFromPack(embedder.pack).id}` : ''}) in ${total.chunks} chunks; embedding ${(embedMs / 1000).toFixed(2)} s, database ${(dbMs / 1000).toFixed(2)} s\n`);
    for (const f of total.failed.slice(0, 20)) ctx.io.stdout(`  failed row ${f.index + 1}${f.id ? ` (${f.id})` : ''}: ${f.reason}\n`);
    if (total.failed.length > 20) ctx.io.stdout(`  ... and ${total.failed.length - 20} more failed rows (use --json for all)\n`);
  } finally {
    bar?.stop();
    await db.close();
    await embedder?.dispose();
  }
}

/** Embeds every stored evidence row with this embedder, page by page (each page one statement). */
async function ingestStored(flags: Flags, chunkSize: number, ctx: CommandContext): Promise<void> {
  const embedder: Embedder = await withOptions(() => loadEmbedder(serviceOptions(flags, ctx.io)));
  let db: Database;
  try {
    db = await Database.open(dbConfigFrom(flags, ctx.io), { log: (m) => !flags.json && ctx.io.stderr(m + '\n'), warn: (m) => ctx.io.stderr(m + '\n') });
  } catch (error) {
    await embedder.dispose();
    throw error;
  }
  const model = modelRefFromPack(embedder.pack);
  let after: string | null = null;
  let embedded = 0;
  try {
    for (;;) {
      let page: { id: string; content: string }[];
      try {
        page = await evidencePage(db, after, chunkSize);
      } catch (error) {
        throw stopped(error, db, `${embedded} stored evidence rows were embedded`, ctx);
      }
      if (page.length === 0) break;
      const vectors = await embedder.embed(page.map((e) => e.content));
      try {
        await upsertEmbeddings(db, 'evidence', model, page.map((e, i) => ({ entityId: e.id, vector: vectors[i]! })), { chunkSize });
      } catch (error) {
        throw stopped(error, db, `${embedded} stored evidence rows were embedded`, ctx);
      }
      embedded += page.length;
      after = page[page.length - 1]!.id;
    }
    if (embedded === 0) {
      throw new UserError('the evidence store is empty: there is nothing stored to embed', {
        fix: `load evidence from a file instead: ${cliCommand(['ingest', SAMPLE_EVIDENCE, ...ctx.argv.filter((a) => a !== '--stored').slice(1)])}`,
      });
    }
    if (flags.json) ctx.io.stdout(JSON.stringify({ stored: true, embeddings: embedded, engine: engineJson(db), pack: packJson(embedder.pack) }) + '\n');
    else ctx.io.stdout(`${describeEngine(db.engine)}\nembedded ${embedded} stored evidence rows with ${model.id}\n`);
  } finally {
    await db.close();
    await embedder.dispose();
  }
}

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addDbFlags(addServiceFlags(program.command('ingest').description('store evidence from a JSON array, JSONL or CSV file, with embeddings').argument('[file]', 'evidence file')))
    .option('--stored', 'no file: embed the evidence already in the database with this pack and variant')
    .option('--chunk-size <n>', 'rows per transaction', '1000')
    .option('--no-embed', 'store evidence without embeddings')
    .action(async (file: string | undefined, flags: Flags) => {
      if ((file === undefined) === !flags.stored) {
        throw new UserError(file === undefined ? 'nothing to ingest: pass an evidence file (or --stored)' : 'pass an evidence file or --stored, not both', {
          fix: `${cliCommand(['ingest', SAMPLE_EVIDENCE])}  (or: npx truthgraph ingest --stored)`,
        });
      }
      const chunkSize = intFlag(flags.chunkSize, 'chunk-size') ?? 1000;
      if (chunkSize < 1) throw new UserError(`--chunk-size must be at least 1, got ${chunkSize}`, { fix: 'e.g. --chunk-size 1000' });
      if (flags.stored && !flags.embed) throw new UserError('--stored embeds stored evidence: --no-embed leaves nothing to do', { fix: 'drop --no-embed' });
      if (flags.stored) await ingestStored(flags, chunkSize, ctx);
      else await ingestFile(file!, flags, chunkSize, ctx);
    });
};
