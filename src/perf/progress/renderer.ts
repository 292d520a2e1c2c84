// Shows the progress of long steps (corpus embedding, index builds, pack builds, suites, A/B rounds):
// a cli-progress bar on a terminal, plain lines otherwise (CI logs, pipes). Short steps stay silent:
// a task shows up once it has run `quietMs`, then a plain line every `everyMs` (with rate and ETA
// when it counts items), and a closing line with its duration.
import cliProgress from 'cli-progress';
import { doneLine, formatDuration, progressLine, type TaskState } from './format.ts';

export type ProgressEvent =
  | { kind: 'start'; id: string; label: string; total?: number; unit?: string; rate?: boolean }
  | { kind: 'update'; id: string; done: number; total?: number }
  | { kind: 'end'; id: string; note?: string }
  /** A line shown as is (suite started / finished). */
  | { kind: 'line'; text: string };

export interface ProgressRenderer {
  handle(event: ProgressEvent): void;
  close(): void;
}

export interface RendererOptions {
  /** Draw bars (stderr is a terminal); plain lines otherwise. */
  tty: boolean;
  write: (text: string) => void;
  /** Terminal stream the bars draw on (tty only). */
  stream?: NodeJS.WriteStream;
  now?: () => number;
  quietMs?: number;
  everyMs?: number;
  /** Check interval of the heartbeat timer (tests drive `tick()` themselves with 0). */
  tickMs?: number;
}

interface Task extends Omit<TaskState, 'elapsedMs'> {
  startedAt: number;
  shownAt?: number;
  bar?: cliProgress.SingleBar;
}

export function createProgressRenderer(options: RendererOptions): ProgressRenderer & { tick(): void } {
  const now = options.now ?? (() => performance.now());
  const quietMs = options.quietMs ?? 5_000;
  const everyMs = options.everyMs ?? 10_000;
  const tasks = new Map<string, Task>();
  let multibar: cliProgress.MultiBar | undefined;

  const state = (t: Task): TaskState => ({ ...t, elapsedMs: now() - t.startedAt });
  const line = (text: string) => {
    if (multibar) multibar.log(`${text}\n`);
    else options.write(`${text}\n`);
  };
  const barPayload = (t: Task) => ({ label: t.label, line: progressLine(state(t)) });

  const show = (t: Task): void => {
    t.shownAt = now();
    if (!options.tty) {
      line(progressLine(state(t)));
      return;
    }
    multibar ??= new cliProgress.MultiBar(
      { stream: options.stream ?? process.stderr, format: (_o, params, payload: { line: string }) => (params.total > 0 ? `[${cliProgress.Format.BarFormat(params.progress, _o)}] ${payload.line}` : payload.line), hideCursor: true, clearOnComplete: true, barsize: 24 },
      cliProgress.Presets.shades_classic,
    );
    t.bar = multibar.create(t.total ?? 0, t.done ?? 0, barPayload(t));
  };

  const tick = (): void => {
    for (const t of tasks.values()) {
      const elapsed = now() - t.startedAt;
      if (t.shownAt === undefined) {
        if (elapsed >= quietMs) show(t);
      } else if (t.bar) {
        t.bar.update(t.done ?? 0, barPayload(t));
      } else if (now() - t.shownAt >= everyMs) {
        t.shownAt = now();
        line(progressLine(state(t)));
      }
    }
  };

  const timer = options.tickMs === 0 ? undefined : setInterval(tick, options.tickMs ?? 1_000);
  timer?.unref();

  return {
    tick,
    handle(event) {
      switch (event.kind) {
        case 'line':
          line(event.text);
          return;
        case 'start':
          tasks.set(event.id, {
            label: event.label,
            startedAt: now(),
            ...(event.total !== undefined && { total: event.total }),
            ...(event.unit && { unit: event.unit }),
            ...(event.rate === false && { rate: false }),
          });
          return;
        case 'update': {
          const t = tasks.get(event.id);
          if (!t) return;
          t.done = event.done;
          if (event.total !== undefined) t.total = event.total;
          if (t.bar) {
            if (event.total !== undefined) t.bar.setTotal(event.total);
            t.bar.update(event.done, barPayload(t));
          }
          return;
        }
        case 'end': {
          const t = tasks.get(event.id);
          if (!t) return;
          tasks.delete(event.id);
          if (t.bar) {
            multibar!.remove(t.bar);
            if (tasks.size === 0 || ![...tasks.values()].some((x) => x.bar)) {
              multibar!.stop();
              multibar = undefined;
            }
          }
          // Quick steps stay silent; any step that was shown (or took long) gets its closing line.
          if (t.shownAt !== undefined || now() - t.startedAt >= quietMs) line(doneLine(state(t), event.note));
          return;
        }
      }
    },
    close() {
      if (timer) clearInterval(timer);
      multibar?.stop();
      multibar = undefined;
      for (const t of tasks.values()) if (t.shownAt !== undefined) options.write(`${t.label}: stopped after ${formatDuration(now() - t.startedAt)}\n`);
      tasks.clear();
    },
  };
}
