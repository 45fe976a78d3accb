/** Layer rules from STYLE.md: imports point inward only (entry → adapters → app → core). */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core imports nothing outside core except zod (validation is pure)',
      from: { path: '^src/core' },
      to: { pathNot: ['^src/core', 'node_modules/zod'] },
    },
    {
      name: 'core-no-node-builtins',
      severity: 'error',
      comment: 'core has no I/O: no node built-ins',
      from: { path: '^src/core' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'app-only-core',
      severity: 'error',
      comment: 'app reaches the outside only through ports',
      from: { path: '^src/app' },
      to: { path: '^src/(adapters|entry)' },
    },
    {
      name: 'app-no-node-builtins',
      severity: 'error',
      comment:
        'app does I/O only through ports: no node built-ins, except node:crypto — hashing (sha256 of bundles and data) is a pure function of its input, no I/O',
      from: { path: '^src/app' },
      to: { dependencyTypes: ['core'], pathNot: ['^(node:)?crypto$'] },
    },
    { name: 'adapters-not-entry', severity: 'error', from: { path: '^src/adapters' }, to: { path: '^src/entry' } },
    {
      name: 'adapter-not-other-adapter',
      severity: 'error',
      comment: 'an adapter never imports another adapter',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/shared/'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
