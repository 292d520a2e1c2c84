// Counts round trips and statements per logical operation (AsyncLocalStorage scoped), so query-count
// budgets and N+1 detection work without threading a counter through every call.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StatementCount {
  /** Normalised SQL text (whitespace collapsed). */
  sql: string;
  count: number;
}

export interface OperationStats {
  name: string;
  /** Messages sent to the server and awaited: one per `query()` call. */
  roundTrips: number;
  /** Distinct statements with how often each ran. */
  statements: StatementCount[];
  /** Statements run more than once inside the operation (excluding transaction control): N+1 suspects. */
  repeated: StatementCount[];
}

const CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SET |SAVEPOINT|RELEASE)/i;

export function normaliseSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

export class OperationRecorder {
  roundTrips = 0;
  readonly counts = new Map<string, number>();
  constructor(readonly name: string) {}

  record(sql: string): void {
    this.roundTrips++;
    const key = normaliseSql(sql);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  stats(): OperationStats {
    const statements = [...this.counts].map(([sql, count]) => ({ sql, count }));
    return {
      name: this.name,
      roundTrips: this.roundTrips,
      statements,
      repeated: statements.filter((s) => s.count > 1 && !CONTROL.test(s.sql)),
    };
  }
}

export class Instrumentation {
  private readonly storage = new AsyncLocalStorage<OperationRecorder[]>();
  /** Process-wide totals since the last reset. */
  total = new OperationRecorder('total');
  /** The most recent finished stats of each operation name. */
  readonly last = new Map<string, OperationStats>();

  record(sql: string): void {
    this.total.record(sql);
    for (const recorder of this.storage.getStore() ?? []) recorder.record(sql);
  }

  /** Runs fn as a named operation; nested operations also count towards their parents. */
  async measure<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; stats: OperationStats }> {
    const recorder = new OperationRecorder(name);
    const parents = this.storage.getStore() ?? [];
    const value = await this.storage.run([...parents, recorder], fn);
    const stats = recorder.stats();
    this.last.set(name, stats);
    return { value, stats };
  }

  reset(): void {
    this.total = new OperationRecorder('total');
    this.last.clear();
  }
}
