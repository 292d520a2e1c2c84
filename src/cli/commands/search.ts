// `truthgraph search "text" [--k 10] [--mode exact|ivfflat|hnsw|hybrid] [--json]`.
import type { Command } from 'commander';
import { Database, describeEngine } from '../../truthgraph/db/database.ts';
import { modelRefFromPack } from '../../truthgraph/db/repositories/embeddings.ts';
import { matchCorpus } from '../../truthgraph/pipeline/corpus-match.ts';
import { requireCorpus } from '../corpus-errors.ts';
import { loadEmbedder } from '../../truthgraph/embedding/embedder.ts';
import { UserError } from '../../shared/errors.ts';
import { readTextFile, textOrStdin } from '../text-input.ts';
import { hybridSearch } from '../../truthgraph/search/hybrid.ts';
import { ensureVectorIndex, type IndexSpec } from '../../truthgraph/search/indexes.ts';
import { DEFAULT_EF_SEARCH, search } from '../../truthgraph/search/vector-search.ts';
import type { CommandContext } from '../command-context.ts';
import { addDbFlags, dbConfigFrom, engineJson, type DbFlags } from './db-flags.ts';
import type { RegisterCommands } from '../command-context.ts';
import { addServiceFlags, intFlag, packJson, serviceOptions, withOptions, type ServiceFlags } from './model-flags.ts';

type Flags = DbFlags & ServiceFlags & {
  file?: string; k: string; mode: string; minSimilarity?: string; lists?: string; probes?: string; m?: string; efConstruction?: string; efSearch?: string;
};
const MODES = ['exact', 'ivfflat', 'hnsw', 'hybrid'];

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  addDbFlags(addServiceFlags(program.command('search').description('search evidence by meaning (cosine) or hybrid with full text').argument('[text]', 'query text (`-` = all of stdin)')))
    .option('--file <path>', 'read the query text from this file')
    .option('--k <n>', 'results', '10')
    .option('--mode <mode>', MODES.join(' | '), 'exact')
    .option('--min-similarity <x>', 'drop hits below this cosine similarity')
    .option('--lists <n>', 'IVFFlat lists when the index is (re)built (default rows/1000, min 10)')
    .option('--probes <n>', 'IVFFlat probes per query', '10')
    .option('--m <n>', 'HNSW m', '16')
    .option('--ef-construction <n>', 'HNSW ef_construction', '64')
    .option('--ef-search <n>', 'HNSW ef_search', String(DEFAULT_EF_SEARCH))
    .action(async (textArg: string | undefined, flags: Flags) => {
      if (textArg !== undefined && flags.file !== undefined) throw new UserError('pass the query as an argument or with --file, not both', { fix: 'keep one of them' });
      const text = flags.file !== undefined ? readTextFile(flags.file, ctx.io, '--file') : textArg === undefined ? undefined : await textOrStdin(textArg, ctx.io);
      if (text === undefined || text.trim() === '') {
        throw new UserError(text === undefined ? 'nothing to search for' : 'the query is empty (or only whitespace)', { fix: 'truthgraph search "ocean temperature"  (or --file query.txt, or - to read stdin)' });
      }
      if (!MODES.includes(flags.mode)) throw new UserError(`unknown search mode "${flags.mode}"`, { fix: `use one of: ${MODES.join(', ')}` });
      const k = intFlag(flags.k, 'k')!;
      const minSimilarity = flags.minSimilarity === undefined ? undefined : Number(flags.minSimilarity);
      let embedder = await withOptions(() => loadEmbedder(serviceOptions(flags, ctx.io)));
      let db: Database;
      try {
        db = await Database.open(dbConfigFrom(flags, ctx.io), { log: (m) => !flags.json && ctx.io.stderr(m + '\n'), warn: (m) => ctx.io.stderr(m + '\n') });
      } catch (error) {
        await embedder.dispose();
        throw error;
      }
      try {
        let corpus = await matchCorpus(db, embedder.pack);
        if (corpus.status === 'other-variant' && !flags.variant) {
          // No variant chosen: query with the one the corpus was embedded with, or nothing matches.
          if (!flags.json) ctx.io.stderr(`the evidence was embedded with ${corpus.otherModelId}: embedding the query with the ${corpus.variant} variant too\n`);
          const variant = corpus.variant;
          await embedder.dispose();
          embedder = await withOptions(() => loadEmbedder({ ...serviceOptions(flags, ctx.io), variant }));
          corpus = await matchCorpus(db, embedder.pack);
        }
        requireCorpus(corpus, ctx.argv);
        const model = modelRefFromPack(embedder.pack);
        const rows = corpus.status === 'match' ? corpus.count : 0;
        let index: unknown = null;
        if (flags.mode === 'ivfflat' || flags.mode === 'hnsw') {
          const spec: IndexSpec = flags.mode === 'ivfflat'
            ? { kind: 'ivfflat', lists: intFlag(flags.lists, 'lists') ?? Math.max(10, Math.round(rows / 1000)) }
            : { kind: 'hnsw', m: intFlag(flags.m, 'm')!, efConstruction: intFlag(flags.efConstruction, 'ef-construction')! };
          index = await ensureVectorIndex(db, spec);
        }
        const t0 = performance.now();
        const [vector] = await embedder.embed([text]);
        const embedMs = performance.now() - t0;
        const t1 = performance.now();
        const knobs = { probes: intFlag(flags.probes, 'probes')!, efSearch: intFlag(flags.efSearch, 'ef-search')! };
        const hits = flags.mode === 'hybrid'
          ? await hybridSearch(db, text, vector!, { k, modelId: model.id })
          : await search(db, vector!, { mode: flags.mode as 'exact', k, modelId: model.id, ...knobs, ...(minSimilarity === undefined ? {} : { minSimilarity }) });
        const searchMs = performance.now() - t1;
        if (flags.json) {
          ctx.io.stdout(JSON.stringify({ query: text, mode: flags.mode, k, hits, index, embedMs, searchMs, engine: engineJson(db), pack: packJson(embedder.pack) }) + '\n');
          return;
        }
        ctx.io.stdout(`${describeEngine(db.engine)}\n${flags.mode} top-${k} of ${rows} (${searchMs.toFixed(1)} ms search, ${embedMs.toFixed(1)} ms embed)${embedder.pack.synthetic ? ' [SYNTHETIC pack: similarities measure cost, not meaning]' : ''}\n`);
        hits.forEach((h, i) => {
          const score = 'similarity' in h && h.similarity !== null ? `sim ${h.similarity.toFixed(4)}` : '';
          const rrf = 'score' in h ? `rrf ${(h as { score: number }).score.toFixed(4)} ` : '';
          const snippet = h.content.length > 100 ? h.content.slice(0, 97) + '...' : h.content;
          ctx.io.stdout(`${String(i + 1).padStart(3)}. ${h.evidenceId}  ${rrf}${score}\n     ${snippet}\n`);
        });
      } finally {
        await db.close();
        await embedder.dispose();
      }
    });
};
