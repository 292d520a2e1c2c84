// On-demand plan capture (EXPLAIN (ANALYZE, FORMAT JSON)) and pg_stat_statements reads.
import type { Queryable, TransactionRunner } from './queryable.ts';

export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface ExplainResult {
  plan: PlanNode;
  planningMs: number;
  executionMs: number;
  nodeTypes: string[];
  /** Index names that appear anywhere in the plan. */
  indexesUsed: string[];
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Runs the statement under EXPLAIN ANALYZE inside a transaction (rolled back if it writes). */
export async function explainAnalyze(
  db: TransactionRunner,
  sql: string,
  params: readonly unknown[] = [],
  options: { setup?: string } = {},
): Promise<ExplainResult> {
  let result: ExplainResult | undefined;
  const rollback = new Error('rollback after explain');
  try {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const raw = rows[0]!['QUERY PLAN'];
      const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [
        { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number },
      ];
      const top = doc[0];
      const nodeTypes: string[] = [];
      const indexes = new Set<string>();
      walk(top.Plan, (n) => {
        nodeTypes.push(n['Node Type']);
        if (n['Index Name']) indexes.add(n['Index Name']);
      });
      result = {
        plan: top.Plan,
        planningMs: top['Planning Time'],
        executionMs: top['Execution Time'],
        nodeTypes,
        indexesUsed: [...indexes],
      };
      throw rollback;
    }, options);
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return result!;
}

export interface StatementStat {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

/** Top statements by total time; [] where pg_stat_statements is not available. */
export async function readStatementStats(db: Queryable, limit = 20): Promise<StatementStat[]> {
  try {
    const { rows } = await db.query<{ query: string; calls: string; total: number; mean: number; rows: string }>(
      `SELECT query, calls, total_exec_time AS total, mean_exec_time AS mean, rows
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ query: r.query, calls: Number(r.calls), totalMs: r.total, meanMs: r.mean, rows: Number(r.rows) }));
  } catch {
    return [];
  }
}

export async function resetStatementStats(db: Queryable): Promise<boolean> {
  return db.query('SELECT pg_stat_statements_reset()').then(
    () => true,
    () => false,
  );
}
