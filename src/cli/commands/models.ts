// `truthgraph models build|download|list`: synthetic packs on demand, real packs from a hub.
import type { Command } from 'commander';
import { defaultCacheDir } from '../../shared/paths.ts';
import { buildSyntheticPack } from '../../truthgraph/models/build.ts';
import { DEFAULT_HUB_URL, downloadHubPack } from '../../truthgraph/models/download.ts';
import { listPacks } from '../../truthgraph/models/pack.ts';
import { SYNTHETIC_SPECS } from '../../truthgraph/models/spec.ts';
import type { CommandContext } from '../command-context.ts';
import type { RegisterCommands } from '../command-context.ts';

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  const { io } = ctx;
  const models = program.command('models').description('build, download and list model packs');

  models
    .command('build')
    .description(`generate synthetic packs (default: all of ${Object.keys(SYNTHETIC_SPECS).join(', ')})`)
    .argument('[names...]', 'synthetic pack names')
    .option('--force', 'rebuild even if cached')
    .option('--json', 'print JSON')
    .action(async (names: string[], flags: { force?: boolean; json?: boolean }) => {
      const cacheDir = defaultCacheDir(io.env);
      const results = [];
      for (const name of names.length > 0 ? names : Object.keys(SYNTHETIC_SPECS)) {
        const r = await buildSyntheticPack(name, cacheDir, { force: flags.force });
        results.push({ name, dir: r.dir, built: r.built, seconds: Number(r.seconds.toFixed(2)) });
        if (!flags.json) io.stdout(`${r.built ? `built ${name} in ${r.seconds.toFixed(1)} s` : `${name} is cached`}: ${r.dir}\n`);
      }
      if (flags.json) io.stdout(JSON.stringify(results, null, 2) + '\n');
    });

  models
    .command('download')
    .description('download a model folder (config.json, tokenizer.json, onnx/) from a Hugging Face hub')
    .argument('<hub-id>', 'repository id, e.g. Xenova/all-MiniLM-L6-v2')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--hub-url <url>', `hub endpoint (default: $HF_ENDPOINT or ${DEFAULT_HUB_URL})`)
    .option('--force', 'download again even if present')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { revision: string; hubUrl?: string; force?: boolean; json?: boolean }) => {
      const r = await downloadHubPack({
        id,
        revision: flags.revision,
        hubUrl: flags.hubUrl ?? io.env.HF_ENDPOINT ?? DEFAULT_HUB_URL,
        cacheDir: defaultCacheDir(io.env),
        ...(io.env.HF_TOKEN ? { accessToken: io.env.HF_TOKEN } : {}),
        force: flags.force,
      });
      if (flags.json) io.stdout(JSON.stringify({ id, revision: flags.revision, dir: r.dir, downloaded: r.downloaded, files: r.files }, null, 2) + '\n');
      else io.stdout(`${r.downloaded ? `downloaded ${r.files.length} files` : 'already downloaded'}: ${r.dir}\nuse it with --pack ${id}${flags.revision === 'main' ? '' : `@${flags.revision}`}\n`);
    });

  models
    .command('list')
    .description('list synthetic and downloaded packs')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      const packs = listPacks(defaultCacheDir(io.env));
      if (flags.json) return void io.stdout(JSON.stringify(packs, null, 2) + '\n');
      for (const p of packs) {
        const state = p.built ? `${p.variants.join('+')}, ${(p.bytes / 1e6).toFixed(0)} MB` : 'not built (npx truthgraph models build ' + p.name + ')';
        io.stdout(`${p.name.padEnd(24)} ${p.kind.padEnd(8)} ${p.synthetic ? 'synthetic' : 'real     '} ${state}${p.dir ? `\n${''.padEnd(25)}${p.dir}` : ''}\n`);
      }
    });
};
