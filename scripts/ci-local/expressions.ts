// GitHub Actions expressions (`${{ ... }}`, `if:`) evaluated with GitHub's own parser and
// evaluator (@actions/expressions), plus the job-status functions and hashFiles that only a
// runner provides.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

export type Contexts = Record<string, unknown>;

export interface EvalState {
  /** Did an earlier step of the job fail (decides success() / failure())? */
  jobFailed: boolean;
  /** Folder hashFiles() resolves its patterns in. */
  workspace: string;
}

const CONTEXT_NAMES = ['github', 'env', 'vars', 'secrets', 'inputs', 'matrix', 'needs', 'steps', 'job', 'runner', 'strategy'];

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  return new RegExp(`^${re}$`);
}

function hashFiles(workspace: string, patterns: string[]): string {
  const res = patterns.map(globToRegExp);
  const files = (fs.readdirSync(workspace, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith('.git/') && res.some((r) => r.test(f)))
    .filter((f) => fs.statSync(path.join(workspace, f)).isFile())
    .sort();
  if (files.length === 0) return '';
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(crypto.createHash('sha256').update(fs.readFileSync(path.join(workspace, f))).digest());
  return h.digest('hex');
}

export function evaluate(expression: string, contexts: Contexts, state: EvalState): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(!state.jobFailed) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(state.jobFailed) },
    // Local runs are never cancelled: cancelled() is false, always() true.
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: (...args: data.ExpressionData[]) => new data.StringData(hashFiles(state.workspace, args.map((a) => a.coerceString()))) },
  ];
  const expr = new Parser(lexed.tokens, CONTEXT_NAMES, functions).parse();
  const dict = new data.Dictionary(...CONTEXT_NAMES.map((key) => ({ key, value: toData(contexts[key] ?? {}) })));
  return new Evaluator(expr, dict, new Map(functions.map((f) => [f.name.toLowerCase(), f]))).evaluate();
}

/** Replace every `${{ expr }}` in a string. */
export function interpolate(text: string, contexts: Contexts, state: EvalState): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => evaluate(expr.trim(), contexts, state).coerceString());
}

/** An `if:` condition: bare or wrapped in `${{ }}`; a missing one means success(). */
export function condition(text: string | boolean | undefined, contexts: Contexts, state: EvalState): boolean {
  if (text === undefined) return !state.jobFailed;
  if (typeof text === 'boolean') return text;
  const bare = text.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const usesStatus = /\b(success|failure|cancelled|always)\s*\(/.test(bare);
  const value = truthy(evaluate(bare, contexts, state));
  // Like GitHub: without a status function the condition is implicitly `success() && (...)`.
  return usesStatus ? value : !state.jobFailed && value;
}
