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
 * connection already has and sends `SET` only for values that differ. Only for knobs that affect
 * nothing but the statements that declare them (ANN scan knobs); see Database.queryWithSettings.
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
