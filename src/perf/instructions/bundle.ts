// Bundles a declarations module with the driver into plain JavaScript that `node` runs without a
// TypeScript loader: a loader (tsx) would add a hooks thread and its own start-up work to the
// counted process. Packages stay external (loaded from node_modules as usual, native add-ons
// included); only the project's own TypeScript is compiled in. Code splitting keeps each
// workload's dynamic imports in their own chunk: in one file, esbuild hoists every external
// import to the top, and each counted process would load onnxruntime, pg, zod... (measured:
// +1 G instructions of start-up per process, ~20 s under valgrind). `import.meta.url` of each
// source file is replaced by that file's real URL, so code that finds files beside itself still
// finds them from the bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { UserError } from '../../shared/errors.ts';

const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));

const realImportMeta: Plugin = {
  name: 'real-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
      if (!source.includes('import.meta')) return { contents: source, loader };
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader };
    });
  },
};

/**
 * Writes `<outDir>/<hash>/entry.mjs` and its chunks (the hash of the output, so concurrent runs
 * never write the same folder differently) and returns the entry's path. `outDir` must sit inside
 * the project so that node resolves the external packages from its node_modules.
 */
export async function bundleWorkloads(declarationsFile: string, outDir: string): Promise<string> {
  const source = `import workloads from ${JSON.stringify(declarationsFile)};\nimport { drive } from ${JSON.stringify(DRIVER)};\nawait drive(workloads);\n`;
  let files: Array<{ path: string; text: string }>;
  const staging = path.join(outDir, 'staging');
  try {
    const result = await build({
      stdin: { contents: source, resolveDir: path.dirname(declarationsFile), sourcefile: 'instruction-entry.mjs', loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      splitting: true,
      outdir: staging,
      entryNames: 'entry',
      chunkNames: 'chunk-[hash]',
      outExtension: { '.js': '.mjs' },
      write: false,
      logLevel: 'silent',
      plugins: [realImportMeta],
    });
    files = result.outputFiles.map((f) => ({ path: path.relative(staging, f.path), text: f.text }));
  } catch (cause) {
    throw new UserError(`cannot bundle the instruction workloads of ${declarationsFile}: ${(cause as Error).message.split('\n').slice(0, 6).join(' ')}`, {
      fix: 'the file must default-export defineInstructionWorkloads([...]) and type-check (npx tsc --noEmit)',
      cause,
    });
  }
  const hash = createHash('sha256');
  for (const f of files.sort((a, b) => a.path.localeCompare(b.path))) hash.update(f.path).update('\0').update(f.text);
  const dir = path.join(outDir, hash.digest('hex').slice(0, 16));
  const entry = path.join(dir, 'entry.mjs');
  if (existsSync(entry)) return entry;
  // Written beside, then renamed into place: a reader never sees half a bundle.
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(path.dirname(path.join(tmp, f.path)), { recursive: true });
    writeFileSync(path.join(tmp, f.path), f.text);
  }
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another process renamed the same content first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(entry)) throw error;
  }
  return entry;
}
