// The minimal surfaces repositories depend on: a pool, a transaction client and the Database all fit.
import type { QueryResult, QueryResultRow } from 'pg';

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface TransactionRunner {
  /** `setup` is sent with BEGIN in the same round trip (e.g. SET LOCAL statements). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { setup?: string }): Promise<T>;
}
