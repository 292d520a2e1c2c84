// A Runner runs one model on int64 feeds: either one in-process session, or a pool of worker
// threads that each own a session. onnxruntime-node's session.run blocks the calling JS thread for
// the whole run (measured: a 5 ms timer never fires during a 1.3 s run), so in process nothing else
// in the process moves while a model runs; a worker keeps the main thread free to tokenise, pool,
// query the database and prepare the next batch meanwhile (docs/performance.md). For throughput, two
// workers with a 1-thread session each beat one 2-thread session (docs/platform-notes.md: +27-68% int8).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../shared/errors.ts';
import { createSession, ort, ortSessionOptions, DEFAULT_SESSION_OPTIONS, REBUILD_HINT, type SessionOptions } from './session.ts';

export interface FeedTensor {
  data: BigInt64Array;
  dims: number[];
}

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface Runner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** How many runs can usefully be in flight at once (the worker count, or 1). */
  readonly parallelism: number;
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>>;
  dispose(): Promise<void>;
}

export interface RunnerOptions {
  /** 0 = one in-process session; N >= 1 = N worker threads, each with its own session. */
  workers: number;
  /** intra-op threads of each session (the in-process one, or each worker's). */
  threads: number;
  session?: Partial<Omit<SessionOptions, 'threads'>>;
  /** What to tell the user when onnxruntime cannot load the file (the pack's rebuild command). */
  fix?: string;
}

/** intra-op threads per session when none are asked for: the cores shared among the sessions. */
export function defaultThreads(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers)));
}

export async function createRunner(modelPath: string, options: RunnerOptions): Promise<Runner> {
  if (options.workers > 0) return WorkerPoolRunner.create(modelPath, options.workers, { ...options.session, threads: options.threads }, options.fix);
  return InProcessRunner.create(modelPath, { ...options.session, threads: options.threads }, options.fix);
}

class InProcessRunner implements Runner {
  readonly parallelism = 1;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(modelPath: string, options: Partial<SessionOptions>, fix?: string): Promise<InProcessRunner> {
    return new InProcessRunner(await createSession(modelPath, options, fix));
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    // Serialise: concurrent runs on one session would not overlap anyway.
    const next = this.chain.then(async () => {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('int64', t.data, t.dims);
      const results = await this.session.run(ortFeeds);
      const out: Record<string, OutputTensor> = {};
      for (const [name, t] of Object.entries(results)) out[name] = { data: t.data as Float32Array, dims: t.dims };
      return out;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

interface Job {
  feeds: Record<string, FeedTensor>;
  resolve: (out: Record<string, OutputTensor>) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy: Job | null;
}

const WORKER_URL = new URL('./session-worker.mjs', import.meta.url);

class WorkerPoolRunner implements Runner {
  private readonly queue: Job[] = [];
  private closed = false;

  private constructor(
    private readonly workers: PoolWorker[],
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {
    for (const w of workers) {
      w.worker.on('message', (msg: { type: string; outputs?: Record<string, OutputTensor>; message?: string }) => {
        const job = w.busy;
        w.busy = null;
        w.worker.unref();
        if (job) {
          if (msg.type === 'result') job.resolve(msg.outputs!);
          else job.reject(new Error(`onnxruntime worker: ${msg.message}`));
        }
        this.pump();
      });
      w.worker.on('error', (error) => this.fail(w, error));
      w.worker.on('exit', (code) => {
        if (!this.closed) this.fail(w, new Error(`onnxruntime worker exited with code ${code}`));
      });
    }
  }

  get parallelism(): number {
    return this.workers.length;
  }

  static async create(modelPath: string, count: number, options: Partial<SessionOptions>, fix = REBUILD_HINT): Promise<WorkerPoolRunner> {
    const ortOptions = ortSessionOptions({ ...DEFAULT_SESSION_OPTIONS, ...options });
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => startWorker(modelPath, ortOptions)),
    );
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((s) => s.worker.terminate()));
      throw new UserError(`onnxruntime could not load ${modelPath}: ${(failed.reason as Error).message}`, { fix });
    }
    return new WorkerPoolRunner(
      ok.map((s) => ({ worker: s.worker, busy: null })),
      ok[0]!.inputNames,
      ok[0]!.outputNames,
    );
  }

  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    if (this.closed) return Promise.reject(new Error('runner is disposed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const w of this.workers) {
      if (w.busy || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      w.busy = job;
      const feeds: Record<string, { type: 'int64'; data: BigInt64Array; dims: number[] }> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, t] of Object.entries(job.feeds)) {
        feeds[name] = { type: 'int64', data: t.data, dims: t.dims };
        if (t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength) transfer.push(t.data.buffer as ArrayBuffer);
      }
      // Keep the process alive only while a worker has work (an idle pool must not block exit).
      w.worker.ref();
      w.worker.postMessage({ type: 'run', feeds }, transfer);
    }
  }

  private fail(w: PoolWorker, error: Error): void {
    w.busy?.reject(error);
    w.busy = null;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  async dispose(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

function startWorker(modelPath: string, options: object): Promise<{ worker: Worker; inputNames: string[]; outputNames: string[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    const onError = (error: Error) => reject(error);
    worker.once('error', onError);
    worker.once('message', (msg: { type: string; inputNames?: string[]; outputNames?: string[]; message?: string }) => {
      worker.off('error', onError);
      worker.unref();
      if (msg.type === 'ready') resolve({ worker, inputNames: msg.inputNames!, outputNames: msg.outputNames! });
      else {
        void worker.terminate();
        reject(new Error(msg.message));
      }
    });
    worker.postMessage({ type: 'init', modelPath, options });
  });
}
