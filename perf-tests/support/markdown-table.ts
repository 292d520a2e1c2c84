// A Markdown table from a header and rows (numbers right-aligned), for the suites' profiling outputs.
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const align = header.map((_, i) => (rows.some((r) => typeof r[i] === 'number') ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
