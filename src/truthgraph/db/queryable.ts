// The minimal surfaces repositories depend on: a pool, a transaction client and the Database all fit.
import type { QueryResult, QueryResultRow } from 'pg';

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface TransactionRunner {
  /** `setup` is sent with BEGIN in the same round trip (e.g. SET LOCAL statements). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { setup?: string }): Promise<T>;
}

/** Session settings (GUC name -> value) a statement needs, e.g. `{ 'hnsw.ef_search': 40 }`. */
export type SessionSettings = Readonly<Record<string, string | number>>;

/**
 * Runs a statement with session settings in (usually) ONE round trip: the runner tracks what each
 * session already has and sends `SET` only for values that differ. Only for knobs that affect
 * nothing but the statements that declare them (ANN scan knobs); see Database.queryWithSettings.
 * The statement should carry a settingsGuard over the same settings: when the runner's view is
 * stale the guard fails the statement, and the runner re-sends the settings and runs it again.
 */
export interface SettingsQueryRunner {
  queryWithSettings<R extends QueryResultRow = QueryResultRow>(
    settings: SessionSettings,
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

export function canQueryWithSettings(db: object): db is SettingsQueryRunner {
  return typeof (db as Partial<SettingsQueryRunner>).queryWithSettings === 'function';
}

const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const SETTING_VALUE = /^[A-Za-z0-9_.-]+$/;

/** `SET a = 1; SET b = x` text for validated names/values (SET cannot take bind parameters). */
export function setStatements(settings: SessionSettings, scope: 'SESSION' | 'LOCAL'): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      const text = String(value);
      if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(text)) throw new RangeError(`invalid setting ${name} = ${text}`);
      return scope === 'LOCAL' ? `SET LOCAL ${name} = ${text}` : `SET ${name} = ${text}`;
    })
    .join('; ');
}

/** Marker of the error a settings guard raises when the session does not hold the declared values. */
export const STALE_SETTINGS = 'truthgraph: stale session settings';

/**
 * A boolean SQL expression over bind parameters $first.. (name, value pairs from guardParams): true
 * when the session holds exactly these values at execution time, else it raises an error carrying
 * STALE_SETTINGS. Being free of row references it runs once, as a one-time filter, before the scan
 * produces anything. It catches what a client-side cache cannot see: another connection or process
 * changing the settings of a shared session (PGlite serves every connection from ONE backend).
 */
export function settingsGuard(names: readonly string[], first: number): string {
  if (names.length === 0) return 'true';
  const checks = names.map((_, i) => `current_setting($${first + 2 * i}::text, true) IS NOT DISTINCT FROM $${first + 2 * i + 1}::text`);
  const seen = names.map((_, i) => `coalesce(current_setting($${first + 2 * i}::text, true), 'unset')`).join(` || ',' || `);
  return `(CASE WHEN ${checks.join(' AND ')} THEN true ELSE ('${STALE_SETTINGS} (' || ${seen} || ')')::boolean END)`;
}

/** The bind values of settingsGuard(Object.keys(settings), first), in the same order. */
export function guardParams(settings: SessionSettings): string[] {
  return Object.entries(settings).flatMap(([name, value]) => [name, String(value)]);
}

export function isStaleSettingsError(error: unknown): boolean {
  return String((error as Error | undefined)?.message ?? '').includes(STALE_SETTINGS);
}
