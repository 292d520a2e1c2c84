// Progress text: pure functions from a task's state to one line (rate and ETA when the total is known).

export interface TaskState {
  label: string;
  /** Items done so far (undefined: a step without countable progress, e.g. an index build). */
  done?: number;
  total?: number;
  unit?: string;
  /** Show items/s and the ETA (off for counts that are not a steady rate, like tests of a suite). */
  rate?: boolean;
  elapsedMs: number;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest === 60 ? `${m + 1} min 0 s` : `${m} min ${rest} s`;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Items per second over the elapsed time, or undefined before there is anything to divide. */
export function rate(state: TaskState): number | undefined {
  if (state.rate === false || state.done === undefined || state.done <= 0 || state.elapsedMs <= 0) return undefined;
  return (state.done * 1000) / state.elapsedMs;
}

/** Remaining time at the average rate so far. */
export function eta(state: TaskState): number | undefined {
  const r = rate(state);
  if (r === undefined || state.total === undefined) return undefined;
  return (Math.max(0, state.total - state.done!) / r) * 1000;
}

/** `corpus 50k: embedding: 12,000/50,000 passages (24%), 740 passages/s, ETA 51 s, 16 s so far`. */
export function progressLine(state: TaskState): string {
  const parts: string[] = [];
  const unit = state.unit ?? 'items';
  if (state.done !== undefined) {
    const pct = state.total ? ` (${Math.floor((100 * state.done) / state.total)}%)` : '';
    parts.push(`${count(state.done)}${state.total !== undefined ? `/${count(state.total)}` : ''} ${unit}${pct}`);
    const r = rate(state);
    if (r !== undefined) parts.push(`${r >= 100 ? count(r) : r.toPrecision(3)} ${unit}/s`);
    const left = eta(state);
    if (left !== undefined) parts.push(`ETA ${formatDuration(left)}`);
  }
  parts.push(`${formatDuration(state.elapsedMs)} so far`);
  return `${state.label}: ${parts.join(', ')}`;
}

/** The closing line of a task: its duration and, when counted, its average rate. */
export function doneLine(state: TaskState, note?: string): string {
  const r = rate(state);
  const counted = state.done !== undefined ? `, ${count(state.done)} ${state.unit ?? 'items'}${r !== undefined ? ` at ${r >= 100 ? count(r) : r.toPrecision(3)}/s` : ''}` : '';
  return `${state.label}: done in ${formatDuration(state.elapsedMs)}${counted}${note ? ` (${note})` : ''}`;
}
