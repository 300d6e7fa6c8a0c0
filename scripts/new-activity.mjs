#!/usr/bin/env node
/**
 * `npm run new:activity <name>` scaffolds an activity: activities/<name>.ts (schemas + function, types from
 * the schemas), activities/<name>.test.ts (runs in the unit project) and its line in activities/registry.ts.
 * <name> is kebab-case (demo-check); the activity's name in definitions is its camelCase (demoCheck).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2];
if (!file || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(file)) {
  console.error('用法 usage: npm run new:activity <name>   (kebab-case, e.g. demo-check)');
  process.exit(2);
}
const name = file.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const source = join(root, 'activities', `${file}.ts`);
const test = join(root, 'activities', `${file}.test.ts`);
const registryPath = join(root, 'activities', 'registry.ts');
for (const p of [source, test]) {
  if (existsSync(p)) {
    console.error(`已存在 already exists: ${p}`);
    process.exit(1);
  }
}
const registry = readFileSync(registryPath, 'utf8');
if (new RegExp(`\\b${name}\\b`).test(registry)) {
  console.error(`registry.ts 已有 ${name} / registry.ts already lists ${name}`);
  process.exit(1);
}

writeFileSync(
  source,
  `/**
 * TODO 中文名: what this activity does, for whom, and which seed line it implements.
 * Keep it idempotent: a retry must not write twice (key writes by workflow id + activity id, see notify.ts);
 * throw ApplicationFailure.nonRetryable for input that will never succeed.
 */
import { defineActivity } from './define.js';

// the two schemas, once: the designer offers inputSchema's properties as input fields (title = label), the
// definition validator checks every mapping against it, and the function's types come from both
const schemas = {
  inputSchema: {
    type: 'object',
    required: ['idNumber'],
    additionalProperties: false,
    properties: {
      idNumber: { type: 'string', title: '身份证号', minLength: 1 },
      note: { type: 'string', title: '备注' },
    },
  },
  // what later steps may read from \`store\`: precise (required, no extra fields, a type for each)
  outputSchema: {
    type: 'object',
    required: ['checked', 'found'],
    additionalProperties: false,
    properties: {
      checked: { type: 'string' },
      found: { type: 'boolean' },
    },
  },
} as const;

export const ${name} = defineActivity<typeof schemas>({
  name: '${name}',
  title: { zh: '${file}（待命名）', en: '${file}' },
  description: 'TODO',
  ...schemas,
  // deps.db is the worker's PostgreSQL pool, for activities that read or write
  create: () => async (input) => {
    const checked = input.idNumber.trim();
    return { checked, found: checked.length === 18 };
  },
});
`,
);

writeFileSync(
  test,
  `import { describe, expect, it } from 'vitest';
import { schemaErrors } from './define.js';
import { ${name} } from './${file}.js';

// a pure activity runs as it is; one that uses deps.db belongs in a *.db.test.ts beside it (integration
// project: a real database from test/support/db.ts)
const run = ${name}.create({ db: undefined as never });

describe('${name}', () => {
  it('answers what its output schema promises', async () => {
    const out = await run({ idNumber: ' 430124199001011234 ' });
    expect(out).toEqual({ checked: '430124199001011234', found: true });
    expect(schemaErrors(${name}.outputSchema, out)).toEqual([]);
  });

  it('refuses input its schema refuses', () => {
    expect(schemaErrors(${name}.inputSchema, { idNumber: '' })).not.toEqual([]);
    expect(schemaErrors(${name}.inputSchema, { idNumber: '1', extra: 1 })).not.toEqual([]);
  });
});
`,
);

// the registry line: an import beside the others, the activity at the end of ACTIVITIES
const lastImport = [...registry.matchAll(/^import [^\n]*from '\.\/[^']+\.js';\n/gm)].at(-1);
const list = registry.indexOf('export const ACTIVITIES');
const close = registry.indexOf('\n];', list);
if (!lastImport || list < 0 || close < 0) {
  console.error('registry.ts 的格式无法识别 / cannot find the imports and ACTIVITIES in registry.ts');
  process.exit(1);
}
const at = lastImport.index + lastImport[0].length;
const next =
  registry.slice(0, at) +
  `import { ${name} } from './${file}.js';\n` +
  registry.slice(at, close) +
  `\n  ${name},` +
  registry.slice(close);
writeFileSync(`${registryPath}.tmp`, next);
renameSync(`${registryPath}.tmp`, registryPath);

console.log(`新建活动 created activity ${name}:
  activities/${file}.ts        schemas and function (types come from the schemas)
  activities/${file}.test.ts   its test:  npx vitest run activities/${file}.test.ts
  activities/registry.ts       registered: the worker runs it, the process designer offers it
Restart the worker (npm start / npm run dev) and pick “${file}（待命名）” in an activity step.`);
