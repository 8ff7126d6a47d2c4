// The layer rules of ARCHITECTURE.md, checked by `npm run lint`: an import may only point down.
//   cli/ console/ > api/ > worker/ > workflows/ > control-plane/ > activities/ > engines/ > blueprints/ schemas/ (pure core)
// codecs/ sits beside the pure core (used by api, worker and cli). Type-only imports of activity and engine
// types are what workflows are allowed to see of the layers they schedule.
const layer = (names) => `^(${names.join('|')})/`;
const above = {
  engines: ['cli', 'console', 'api', 'worker', 'workflows', 'control-plane', 'activities'],
  activities: ['cli', 'console', 'api', 'worker', 'workflows', 'control-plane'],
  'control-plane': ['cli', 'console', 'api', 'worker', 'workflows'],
  workflows: ['cli', 'console', 'api', 'worker'],
  worker: ['cli', 'console', 'api'],
  api: ['cli', 'console'],
  codecs: ['cli', 'console', 'api', 'worker', 'workflows', 'control-plane', 'activities', 'engines'],
  pure: ['cli', 'console', 'api', 'worker', 'workflows', 'control-plane', 'activities', 'engines', 'codecs'],
};
const upward = Object.entries(above).map(([from, to]) => ({
  name: `no-upward-import-from-${from}`,
  comment: `${from} may only import layers below it (ARCHITECTURE.md, Layout)`,
  severity: 'error',
  from: { path: from === 'pure' ? '^(blueprints|schemas)/' : `^${from}/` },
  to: { path: layer(to) },
}));
module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'workflows-import-only-types-of-activities-and-engines',
      comment: 'workflow code is deterministic: it imports @temporalio/workflow, pure modules and activity *types*',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(activities|engines|codecs)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-no-node-or-io-packages',
      comment: 'workflow code may not use Node built-ins or npm packages other than @temporalio/workflow and zod',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['^node_modules/(@temporalio/(workflow|common)|zod)/'],
      },
    },
    {
      name: 'pure-core-no-io',
      comment: 'blueprints/ and schemas/ are pure: no file system, processes, network or timers of their own',
      severity: 'error',
      from: { path: '^(blueprints|schemas)/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|fs/promises|child_process|net|http|https|http2|dgram|tls|worker_threads|cluster|os|readline|stream)$',
      },
    },
    {
      name: 'no-circular',
      comment: 'a run-time cycle between modules means one idea is split across two files, or a layer leaks',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.tools|\\.models|\\.quarry)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
