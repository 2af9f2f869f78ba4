/**
 * Import rules checked by `npm test` (npm run -s deps). They keep the tree readable as the pipeline:
 * no cycles, the pure core never reaches into handlers, deploy or tools, and each folder of shared/
 * serves one audience.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide the data path.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-the-core',
      severity: 'error',
      comment: 'shared/ is pure and reusable: it never imports handlers, deploy, tools or tests.',
      from: { path: '^shared/' },
      to: { path: '^(functions|deploy|cli|dev|test)/' },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      comment:
        'The metric contract and limits are what everything else agrees on; they import nothing of ours.',
      from: { path: '^shared/contract/' },
      to: { path: '^shared/(ingest|monitoring|analysis)/' },
    },
    {
      name: 'ingest-path-stays-lean',
      severity: 'error',
      comment: 'The Lambda data path must not pull in deploy-time definitions or replay-only code.',
      from: { path: '^(shared/ingest|functions)/' },
      to: { path: '^shared/(monitoring|analysis)/' },
    },
    {
      name: 'handlers-are-leaves',
      severity: 'error',
      comment: 'Handlers are entry points: only tools and tests import them, never the core or deploy.',
      from: { path: '^(shared|deploy)/' },
      to: { path: '^functions/' },
    },
    {
      name: 'cli-never-imports-dev',
      severity: 'error',
      comment: 'What users run (cli/) is published; contributor tools (dev/) are not.',
      from: { path: '^cli/' },
      to: { path: '^dev/' },
    },
    {
      name: 'deployed-code-never-imports-tools',
      severity: 'error',
      comment: 'Handlers and the stack are deployed; the local tools are not part of them.',
      from: { path: '^(functions|deploy)/' },
      to: { path: '^(cli|dev)/' },
    },
    {
      name: 'tests-are-not-imported',
      severity: 'error',
      comment: 'Test harness stays in test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cjs', '.json'] },
  },
};
