// `truthgraph ingest <file>`: read evidence (JSON/JSONL/CSV), embed it, store evidence + embeddings in
// chunks; reports failed rows and splits embedding time from database time.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Database, describeEngine } from '../../truthgraph/db/database.ts';
import { ingestEvidence, type IngestReport } from '../../truthgraph/db/repositories/evidence.ts';
import { modelRefFromPack } from '../../truthgraph/db/repositories/embeddings.ts';
import { readEvidenceFile } from '../../truthgraph/corpus/evidence-file.ts';
import { loadEmbedder } from '../../truthgraph/embedding/embedder.ts';
import type { CommandContext } from '../command-context.ts';
import { addDbFlags, dbConfigFrom, engineJson, type DbFlags } from './db-flags.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, intFlag, packJson, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

type Flags = DbFlags & ServiceFlags & { chunkSize?: string; embed: boolean };

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addDbFlags(addServiceFlags(program.command('ingest').description('store evidence from a JSON array, JSONL or CSV file, with embeddings').argument('<file>', 'evidence file')))
    .option('--chunk-size <n>', 'rows per transaction', '1000')
    .option('--no-embed', 'store evidence without embeddings')
    .action(async (file: string, flags: Flags) => {
      const items = readEvidenceFile(file);
      const chunkSize = intFlag(flags.chunkSize, 'chunk-size') ?? 1000;
      const embedder = flags.embed ? await withOptions(() => loadEmbedder(serviceOptions(flags, ctx.io))) : undefined;
      const db = await Database.open(dbConfigFrom(flags, ctx.io), { log: (m) => !flags.json && ctx.io.stderr(m + '\n') });
      const bar = ctx.io.isTTY && !flags.json && items.length > chunkSize ? new cliProgress.SingleBar({ format: 'ingest [{bar}] {value}/{total} rows' }, cliProgress.Presets.shades_classic) : undefined;
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
            const ok = texts.map((t, i) => (t.trim() ? i : -1)).filter((i) => i >= 0);
            const embedded = await embedder.embed(ok.map((i) => texts[i]!));
            vectors = chunk.map(() => undefined);
            ok.forEach((i, j) => (vectors[i] = embedded[j]));
            embedMs += performance.now() - t;
          }
          const t = performance.now();
          const report = await ingestEvidence(
            db,
            chunk.map((evidence, i) => (vectors[i] ? { evidence, embedding: vectors[i] } : { evidence })),
            { chunkSize, ...(embedder ? { model: modelRefFromPack(embedder.pack) } : {}) },
          );
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
    });
};
