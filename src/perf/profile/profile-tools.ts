// The profilers `truthgraph perf profile` runs a named workload under, each as a plain Node process
// started from the workload entry script (perf-tests/workloads/run-workload.ts, passed in by path:
// the harness does not import the suites). Everything runs offline: clinic with NO_INSIGHT=1 and
// --open=false (no telemetry prompt, no browser, no upload), 0x without --open, memlab on heap
// snapshots this process writes (no browser: PUPPETEER_SKIP_DOWNLOAD=1).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { UserError } from '../../shared/errors.ts';

/** The named-workload entry script, relative to a checkout's root (spawned by path, never imported). */
export const WORKLOAD_ENTRY = 'perf-tests/workloads/run-workload.ts';

export const PROFILE_TOOLS = ['cpu', '0x', 'clinic-doctor', 'clinic-flame', 'clinic-bubbleprof', 'heap', 'memlab'] as const;
export type ProfileTool = (typeof PROFILE_TOOLS)[number];

export const isProfileTool = (value: string): value is ProfileTool => (PROFILE_TOOLS as readonly string[]).includes(value);

/** What each tool leaves, and what opens it (written into the index). */
export const TOOL_NOTES: Record<ProfileTool, string> = {
  cpu: 'workload.cpuprofile (node --cpu-prof, the whole process; workload.json gives the iterations\' window): Chrome DevTools (Performance > Load profile), speedscope, or `npx truthgraph perf profile-diff` against another profile',
  '0x': 'flamegraph.html (0x): open in a browser, offline',
  'clinic-doctor': '*.clinic-doctor.html (clinic doctor: event loop delay, CPU, memory, handles): open in a browser, offline',
  'clinic-flame': '*.clinic-flame.html (clinic flame): open in a browser, offline',
  'clinic-bubbleprof': '*.clinic-bubbleprof.html (clinic bubbleprof: async flow): open in a browser, offline',
  heap: 'workload.heapprofile (sampling heap profile of the iterations: DevTools Memory > Load) and after-iterations.heapsnapshot (DevTools Memory, memlab)',
  memlab: 'memlab-growth.md / .json (objects whose retained size grew across heap snapshots taken between cycles) and the snapshots',
};

export interface ToolRun {
  /** The project checkout whose workload runs (its node_modules holds tsx, 0x and clinic). */
  root: string;
  /** The workload entry script, relative to root. */
  entry: string;
  suite: string;
  metric?: string;
  tool: ProfileTool;
  durationSeconds: number;
  minIterations?: number;
  /** When the metric has no workload of its own, run the suite's default one (A/B: any regressed metric). */
  metricOrDefault?: boolean;
  /** The artefact folder (created). */
  dir: string;
}

export interface ToolCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The command line of a tool run: pure, so tests and the index can show it. */
export function toolCommand(run: ToolRun): ToolCommand {
  const workload = [
    '--import', 'tsx', run.entry,
    '--suite', run.suite,
    ...(run.metric ? ['--metric', run.metric] : []),
    '--duration', String(run.durationSeconds),
    '--min-iterations', String(run.minIterations ?? 3),
    '--mode', run.tool === 'heap' ? 'heap' : run.tool === 'memlab' ? 'memlab' : 'run',
    '--out', run.dir,
    ...(run.metricOrDefault ? ['--metric-or-default'] : []),
  ];
  const env = { NO_INSIGHT: '1', PUPPETEER_SKIP_DOWNLOAD: '1' };
  const bin = (p: string): string => path.join(run.root, 'node_modules', p);
  switch (run.tool) {
    case 'cpu':
      // Default file names (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): tsx's loader hooks run in
      // a worker thread that writes its own profile; nameCpuProfiles keeps the main thread's.
      return { command: process.execPath, args: ['--cpu-prof', '--cpu-prof-dir', run.dir, ...workload], env };
    case 'heap':
    case 'memlab':
      return { command: process.execPath, args: workload, env };
    case '0x':
      return {
        command: process.execPath,
        args: [bin('0x/cmd.js'), '--output-dir', path.join(run.dir, '0x-data'), '--output-html', path.join(run.dir, 'flamegraph.html'), '--', process.execPath, ...workload],
        env,
      };
    default: {
      const sub = run.tool.slice('clinic-'.length);
      return { command: process.execPath, args: [bin('clinic/bin.js'), sub, '--dest', run.dir, '--open=false', '--', process.execPath, ...workload], env };
    }
  }
}

/** The file a reviewer opens first, by tool (relative to the tool's folder); undefined if missing. */
export function mainArtefact(tool: ProfileTool, dir: string): string | undefined {
  const files = listFiles(dir);
  const pick = (test: (f: string) => boolean): string | undefined => files.find((f) => test(f.file) && f.bytes > 0)?.file;
  switch (tool) {
    case 'cpu':
      return pick((f) => f === 'workload.cpuprofile');
    case '0x':
      return pick((f) => f === 'flamegraph.html');
    case 'heap':
      return pick((f) => f === 'workload.heapprofile');
    case 'memlab':
      return pick((f) => f === 'memlab-growth.md');
    default:
      return pick((f) => !f.includes('/') && f.endsWith(`.${tool}.html`));
  }
}

export interface ArtefactFile {
  file: string;
  bytes: number;
}

export function listFiles(dir: string): ArtefactFile[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => ({ file: f.split(path.sep).join('/'), full: path.join(dir, f) }))
    .filter((f) => fs.statSync(f.full).isFile())
    .map((f) => ({ file: f.file, bytes: fs.statSync(f.full).size }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * node --cpu-prof writes one profile per thread; the main thread's (thread id 0) becomes
 * workload.cpuprofile, the others (tsx's module loader thread) loader-thread-<n>.cpuprofile.
 */
export function nameCpuProfiles(dir: string): void {
  const written = fs.readdirSync(dir).filter((f) => /^CPU\..*\.cpuprofile$/.test(f)).sort();
  let other = 0;
  for (const f of written) {
    const thread = f.split('.').at(-3);
    fs.renameSync(path.join(dir, f), path.join(dir, thread === '0' ? 'workload.cpuprofile' : `loader-thread-${++other}.cpuprofile`));
  }
  const maps = path.join(dir, 'sourcemaps.json');
  const main = path.join(dir, 'workload.cpuprofile');
  if (fs.existsSync(maps) && fs.existsSync(main)) {
    const payloads = JSON.parse(fs.readFileSync(maps, 'utf8')) as Record<string, SourceMapPayload>;
    fs.writeFileSync(main, JSON.stringify(mapToSources(JSON.parse(fs.readFileSync(main, 'utf8')) as MappableProfile, payloads)));
  }
}

interface MappableProfile {
  nodes: Array<{ callFrame: { url: string; lineNumber: number; columnNumber?: number }; positionTicks?: unknown }>;
}

/**
 * Call frames of compiled TypeScript (tsx) moved to their .ts line and column, with the modules'
 * source maps; frames of other scripts are left as they are.
 */
export function mapToSources<P extends MappableProfile>(profile: P, payloads: Record<string, SourceMapPayload>): P {
  const maps = new Map<string, SourceMap>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const payload = payloads[frame.url];
    if (!payload || frame.lineNumber < 0) continue;
    let map = maps.get(frame.url);
    if (!map) maps.set(frame.url, (map = new SourceMap(payload)));
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined) continue;
    frame.lineNumber = entry.originalLine;
    frame.columnNumber = entry.originalColumn ?? 0;
    delete node.positionTicks; // lines of the compiled code: meaningless against the .ts source
  }
  return profile;
}

/**
 * An empty folder for a tool run: a previous profile there (it has tool.log) is replaced; any other
 * folder with files in it is refused, so that `--out .` can never wipe a user's files.
 */
export function clearProfileDir(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    if (!fs.existsSync(path.join(dir, 'tool.log'))) {
      throw new UserError(`${dir} is not empty and holds no earlier profile (no tool.log): not writing a profile into it`, { fix: 'pass an empty or new folder to --out' });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
}

/** Runs the tool; resolves with its exit code. Output goes to `log` (and the tool's own log file). */
export function runTool(run: ToolRun, log: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; command: ToolCommand }> {
  clearProfileDir(run.dir);
  const command = toolCommand(run);
  const logFile = fs.createWriteStream(path.join(run.dir, 'tool.log'));
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, { cwd: run.root, env: { ...env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer): void => {
      logFile.write(chunk);
      log(chunk.toString());
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) => {
      logFile.end();
      if (run.tool === 'cpu') nameCpuProfiles(run.dir);
      resolve({ code: code ?? 1, command });
    });
  });
}
