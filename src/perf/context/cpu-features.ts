// Facts about the CPU that change inference speed but not the CPU's model string: the int8 / bf16
// instruction sets onnxruntime's kernels pick (two "Intel Xeon Processor" VMs ran the same code
// 30-45% apart; their /proc/cpuinfo flags told them apart, the model name did not), and the
// cgroup CPU quota (a container limited to 1.5 CPUs on a 2-CPU host runs parallel work slower).
import fs from 'node:fs';

/** The flags that select faster int8 / bf16 GEMM kernels, in the order the env class names them. */
export const INFERENCE_CPU_FLAGS = ['avx512_vnni', 'avx512_bf16', 'amx_int8', 'amx_bf16'] as const;

/** Inference flags present in a /proc/cpuinfo text (first CPU's `flags` line), in INFERENCE_CPU_FLAGS order. */
export function parseInferenceFlags(cpuinfo: string): string[] {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1];
  if (line === undefined) return [];
  const present = new Set(line.trim().split(/\s+/));
  return INFERENCE_CPU_FLAGS.filter((f) => present.has(f));
}

/**
 * CPUs allowed by a cgroup quota, from cgroup v2 `cpu.max` ("<quota> <period>" or "max <period>")
 * or v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1 = none). null when there is no quota.
 */
export function parseCpuQuota(files: { cpuMax?: string; cfsQuotaUs?: string; cfsPeriodUs?: string }): number | null {
  if (files.cpuMax !== undefined) {
    const [quota, period] = files.cpuMax.trim().split(/\s+/);
    if (quota === undefined || quota === 'max' || period === undefined) return null;
    const q = Number(quota) / Number(period);
    return Number.isFinite(q) && q > 0 ? Math.round(q * 100) / 100 : null;
  }
  if (files.cfsQuotaUs !== undefined && files.cfsPeriodUs !== undefined) {
    const quota = Number(files.cfsQuotaUs.trim());
    const period = Number(files.cfsPeriodUs.trim());
    if (!(quota > 0) || !(period > 0)) return null;
    return Math.round((quota / period) * 100) / 100;
  }
  return null;
}

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** This machine's inference flags (null where /proc/cpuinfo does not exist: not Linux). */
export function readInferenceFlags(): string[] | null {
  const text = read('/proc/cpuinfo');
  return text === undefined ? null : parseInferenceFlags(text);
}

/** This process's cgroup CPU quota in CPUs, or null (no quota, or not Linux). */
export function readCpuQuota(): number | null {
  // The process's own cgroup (/proc/self/cgroup), then the mount root (inside a cgroup namespace
  // the two are the same).
  const lines = (read('/proc/self/cgroup') ?? '').split('\n');
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3).trim();
  const v1 = lines.map((l) => l.split(':')).find((f) => f[1]?.split(',').includes('cpu'))?.[2]?.trim();
  for (const dir of [v2 && `/sys/fs/cgroup${v2}`, '/sys/fs/cgroup']) {
    const cpuMax = dir ? read(`${dir}/cpu.max`) : undefined;
    if (cpuMax !== undefined) return parseCpuQuota({ cpuMax });
  }
  for (const root of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
    for (const dir of [v1 && v1 !== '/' ? `${root}${v1}` : undefined, root]) {
      const cfsQuotaUs = dir ? read(`${dir}/cpu.cfs_quota_us`) : undefined;
      const cfsPeriodUs = dir ? read(`${dir}/cpu.cfs_period_us`) : undefined;
      if (cfsQuotaUs !== undefined && cfsPeriodUs !== undefined) return parseCpuQuota({ cfsQuotaUs, cfsPeriodUs });
    }
  }
  return null;
}
