/** Enforces DESIGN.md's layering: who may import whom. */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'layers-import-only-domain-and-log',
      comment: 'config, connectors, operators, replay, delivery, ops, lib, demo see only domain, log and their own folder (delivery/channels is part of delivery)',
      severity: 'error',
      from: { path: '^src/(config|connectors|operators|replay|delivery|ops|lib|demo)/' },
      to: {
        path: '^src/',
        pathNot: ['^src/domain/', '^src/log\\.ts$', '^src/$1/'],
      },
    },
    {
      name: 'only-cli-sees-cli',
      severity: 'error',
      from: { pathNot: '^src/cli\\.ts$' },
      to: { path: '^src/cli\\.ts$' },
    },
    {
      name: 'index-is-not-imported',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
