// Reports: pure renderers (terminal, markdown, html, json) of a RunResult, and the writer.
export * from '../metrics/run-result.ts';
export * from './format.ts';
export * from './terminal.ts';
export * from './markdown.ts';
export * from './html.ts';
export * from './writer.ts';
