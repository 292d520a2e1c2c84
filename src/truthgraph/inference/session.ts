// THE one place that creates onnxruntime sessions, so that perf work tunes one spot.
// Measured on our 2-vCPU VMs (docs/platform-notes.md): `intra_op.allow_spinning=0` helps (+5-15% at 2 threads);
// graph optimisation 'all' on the plain opset-17 pattern beats the fused com.microsoft graph.
import * as ort from 'onnxruntime-node';
import { UserError } from '../../shared/errors.ts';

// onnxruntime-node 1.30 on Linux starts Microsoft's telemetry client with the first session; that
// client matches a regex over the process's command line and overflows the stack (SIGSEGV) when
// the command line is long (docs/onnxruntime-long-argv.md). Off unless the user set it; the native
// code reads the variable when it creates its environment, i.e. at the first session.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export interface SessionOptions {
  /** intra-op threads (1 per worker in the pool; the core count for a single in-process session). */
  threads: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  /** Let idle ORT threads spin; off by default, measured better here. */
  allowSpinning: boolean;
  /** ORT's arena allocator: faster steady state, but keeps the largest shape's memory. */
  cpuArena: boolean;
  /** Where to write the optimised graph (for inspecting fusions); none by default. */
  optimizedModelFilePath?: string;
  /** Per-node profiling to `<prefix>_<date>.json` (session.endProfiling() flushes it); off by default. */
  profileFilePrefix?: string;
  /** ORT's log level for this session (0 = verbose: graph transformations, kernel placement). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  threads: 2,
  graphOptimizationLevel: 'all',
  allowSpinning: false,
  cpuArena: true,
};

/** The onnxruntime options object for our settings (used by the worker pool too). */
export function ortSessionOptions(o: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: o.graphOptimizationLevel,
    enableCpuMemArena: o.cpuArena,
    ...(o.optimizedModelFilePath ? { optimizedModelFilePath: o.optimizedModelFilePath } : {}),
    ...(o.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: o.profileFilePrefix } : {}),
    ...(o.logSeverityLevel === undefined ? {} : { logSeverityLevel: o.logSeverityLevel, logVerbosityLevel: 0 }),
    extra: { session: { 'intra_op.allow_spinning': o.allowSpinning ? '1' : '0' } },
  };
}

/** For callers that do not know which pack a file belongs to. */
export const REBUILD_HINT = 'rebuild or re-download the pack (npx truthgraph models build <name> --force / models download <hub-id>)';

/** `model`: a file path, or the ONNX bytes of a graph built in memory (calibration, variant measurements). */
export async function createSession(model: string | Uint8Array, options: Partial<SessionOptions> = {}, fix = REBUILD_HINT): Promise<ort.InferenceSession> {
  const o = { ...DEFAULT_SESSION_OPTIONS, ...options };
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, ortSessionOptions(o))
      : await ort.InferenceSession.create(model, ortSessionOptions(o));
  } catch (cause) {
    const modelPath = typeof model === 'string' ? model : `an in-memory graph (${model.byteLength} bytes)`;
    throw new UserError(`onnxruntime could not load ${modelPath}: ${(cause as Error).message}`, {
      fix,
      cause,
    });
  }
}

export { ort };
