/**
 * Room rules (dependency-cruiser, run by `npm test` as `npm run lint:rooms`). Each room's README says the
 * same in words; change both together.
 *
 *   web ─HTTP─▶ server ─▶ activities ─▶ store
 *    │            │  ╲        │           │
 *    ▼            ▼   ╲───────┼──▶ store  ▼ (types only)
 *   forms ◀── workflows ◀─────┘        workflows/contract
 *
 * `import type` is checked too (tsPreCompilationDeps), except where a rule says it is fine.
 */
/** Workflow modules that are pure data/maths, usable outside the Temporal sandbox. */
const PURE_WORKFLOW_MODULES = '^workflows/((definition|calendar)\\.ts|kinds/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycle that runs at load time (a cycle of `import type` only is erased by the compiler). Between rooms the direction rules below forbid every cycle, types included.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'workflows-stay-in-the-sandbox',
      severity: 'error',
      comment:
        'Workflow code is deterministic and bundled for the Temporal sandbox: it never imports the server, the web app or the store.',
      from: { path: '^workflows/' },
      to: { path: '^(server|web|store|scripts|test)/' },
    },
    {
      name: 'workflows-no-activities',
      severity: 'error',
      comment:
        'Activities are called by name through proxyActivities, whose argument and result types live in workflows/contract.ts; activities import workflows, never the other way round (types included, so the rooms stay acyclic).',
      from: { path: '^workflows/' },
      to: { path: '^activities/' },
    },
    {
      name: 'forms-are-pure',
      severity: 'error',
      comment:
        'forms/ is shared by the browser, the server, the workflows and the activities: it imports no other room.',
      from: { path: '^forms/' },
      to: { path: '^(server|web|workflows|activities|store|scripts|test)/' },
    },
    {
      name: 'web-over-http-only',
      severity: 'error',
      comment:
        'The web app reaches the server only over HTTP: no import of server/, activities/ or store/, and of workflows/ only the pure modules (types from anywhere in workflows/ are fine).',
      from: { path: '^web/' },
      to: { path: '^(server|activities|store|scripts|test)/' },
    },
    {
      name: 'web-no-workflow-runtime',
      severity: 'error',
      comment:
        'Only pure workflow modules (definition, calendar) run in the browser; types from the rest are fine.',
      from: { path: '^web/' },
      to: { path: '^workflows/', pathNot: PURE_WORKFLOW_MODULES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-never-import-the-server',
      severity: 'error',
      comment:
        'Activities import store/, forms/ and pure workflow modules; what they need from the server is handed in (server/temporal/connect.ts workerActivities).',
      from: { path: '^activities/' },
      to: { path: '^(server|web|scripts|test)/' },
    },
    {
      name: 'activities-no-workflow-runtime',
      severity: 'error',
      comment:
        'Activities run outside the workflow sandbox: pure workflow modules only (types from anywhere in workflows/).',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: PURE_WORKFLOW_MODULES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-is-the-bottom',
      severity: 'error',
      comment:
        'store/ is shared by the server and the activities: it imports neither, nor HTTP, nor the web app.',
      from: { path: '^store/' },
      to: { path: '^(server|web|activities|forms|scripts|test)/' },
    },
    {
      name: 'store-workflow-types-only',
      severity: 'error',
      comment: 'store/ reads the shapes of projection events from workflows/contract.ts, as types only.',
      from: { path: '^store/' },
      to: { path: '^workflows/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      comment: 'The server never imports the web app (it serves its built files).',
      from: { path: '^server/' },
      to: { path: '^web/' },
    },
    {
      name: 'production-not-tests',
      severity: 'error',
      comment: 'Production rooms never import test code or scripts.',
      from: { path: '^(server|web|workflows|activities|forms|store)/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'A relative import that resolves to nothing is a typo (packages are checked by tsc).',
      from: {},
      to: { couldNotResolve: true, path: '^[.]' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.data|\\.tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
