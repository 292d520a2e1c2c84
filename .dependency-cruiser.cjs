// Module boundaries (`npm run deps`): the two wings stay apart and nothing imports in a circle.
// - src/perf (the harness) never imports src/truthgraph (the product): the harness must be able to
//   measure any revision of the product, including one with a different API, and stays reusable.
// - src/perf/stats imports nothing: statistics are pure functions of samples.
// - the product imports neither the harness (except the pure statistics, a maths library both wings
//   use), the CLI, nor the suites.
// - src/shared (errors, paths, io) imports nothing of ours.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'harness-imports-product',
      comment: 'src/perf is the harness; it must not import the product (src/truthgraph). Suites in perf-tests/ join the two.',
      severity: 'error',
      from: { path: '^src/perf/' },
      to: { path: '^src/truthgraph/' },
    },
    {
      name: 'stats-imports-anything',
      comment: 'src/perf/stats is pure: it imports nothing outside itself (node built-ins included).',
      severity: 'error',
      from: { path: '^src/perf/stats/' },
      to: { pathNot: '^src/perf/stats/' },
    },
    {
      name: 'product-imports-harness-cli-or-suites',
      comment: 'The product must not depend on the harness (pure src/perf/stats excepted), the CLI or the suites.',
      severity: 'error',
      from: { path: '^src/truthgraph/' },
      to: { path: '^(src/perf|src/cli|perf-tests)/', pathNot: '^src/perf/stats/' },
    },
    {
      name: 'harness-imports-cli-or-suites',
      comment: 'The harness must not depend on the CLI or on the suites (it spawns suite files by path).',
      severity: 'error',
      from: { path: '^src/perf/' },
      to: { path: '^(src/cli|perf-tests)/' },
    },
    {
      name: 'shared-imports-ours',
      comment: 'src/shared is the bottom layer: errors, paths, io.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(perf|truthgraph|cli)|perf-tests)/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make modules impossible to understand (and to load) one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|reports|\\.cache|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
