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
/** A test beside production code (`activities/<name>.test.ts`) is test code: it may import test support. */
const TESTS = '\\.test\\.tsx?$';

const rule = (name, comment, from, to) => ({ name, severity: 'error', comment, from, to });
/** Production code of `room` never imports any of `rooms` (types included). */
const never = (name, room, rooms, comment) =>
  rule(name, comment, { path: `^${room}/`, pathNot: TESTS }, { path: `^(${rooms.join('|')})/` });
/** Code of `room` runs only the pure workflow modules; types from anywhere in workflows/ are fine. */
const pureWorkflowsOnly = (name, room, comment) =>
  rule(
    name,
    comment,
    { path: `^${room}/` },
    { path: '^workflows/', pathNot: PURE_WORKFLOW_MODULES, dependencyTypesNot: ['type-only'] },
  );

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    rule(
      'no-circular',
      'No import cycle that runs at load time (a cycle of `import type` only is erased by the compiler). Between rooms the direction rules below forbid every cycle, types included.',
      {},
      { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    ),
    never(
      'workflows-stay-in-the-sandbox',
      'workflows',
      ['server', 'web', 'store', 'scripts', 'test'],
      'Workflow code is deterministic and bundled for the Temporal sandbox: it never imports the server, the web app or the store.',
    ),
    never(
      'workflows-no-activities',
      'workflows',
      ['activities'],
      'Activities are called by name through proxyActivities, whose argument and result types live in workflows/contract.ts; activities import workflows, never the other way round (types included, so the rooms stay acyclic).',
    ),
    never(
      'forms-are-pure',
      'forms',
      ['server', 'web', 'workflows', 'activities', 'store', 'scripts', 'test'],
      'forms/ is shared by the browser, the server, the workflows and the activities: it imports no other room.',
    ),
    never(
      'web-over-http-only',
      'web',
      ['server', 'activities', 'store', 'scripts', 'test'],
      'The web app reaches the server only over HTTP: no import of server/, activities/ or store/, and of workflows/ only the pure modules (types from anywhere in workflows/ are fine).',
    ),
    pureWorkflowsOnly(
      'web-no-workflow-runtime',
      'web',
      'Only pure workflow modules (definition, calendar, kinds/) run in the browser; types from the rest are fine.',
    ),
    never(
      'activities-never-import-the-server',
      'activities',
      ['server', 'web', 'scripts', 'test'],
      'Activities import store/, forms/ and pure workflow modules; what they need from the server is handed in (server/temporal/connect.ts workerActivities). Their tests beside them may use test/support.',
    ),
    pureWorkflowsOnly(
      'activities-no-workflow-runtime',
      'activities',
      'Activities run outside the workflow sandbox: pure workflow modules only (types from anywhere in workflows/).',
    ),
    never(
      'store-is-the-bottom',
      'store',
      ['server', 'web', 'activities', 'forms', 'scripts', 'test'],
      'store/ is shared by the server and the activities: it imports neither, nor HTTP, nor the web app.',
    ),
    rule(
      'store-workflow-types-only',
      'store/ reads the shapes of projection events from workflows/contract.ts, as types only.',
      { path: '^store/' },
      { path: '^workflows/', dependencyTypesNot: ['type-only'] },
    ),
    never(
      'server-not-web',
      'server',
      ['web'],
      'The server never imports the web app (it serves its built files).',
    ),
    never(
      'production-not-tests',
      '(server|web|workflows|activities|forms|store)',
      ['test', 'scripts'],
      'Production rooms never import test code or scripts (a test beside production code may).',
    ),
    rule(
      'not-to-unresolvable',
      'A relative import that resolves to nothing is a typo (packages are checked by tsc).',
      {},
      { couldNotResolve: true, path: '^[.]' },
    ),
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
