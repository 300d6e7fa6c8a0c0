/**
 * Acceptance: on a fresh copy of the tree, `npm run new:activity demo-check` produces an activity whose
 * scaffolded test passes and which the process designer is offered with its input fields (the designer
 * lists activities over HTTP, GET /api/admin/activities). The copy is removed afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { ROOT } from '../../server/config.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { readPackFolder } from '../../server/services/packs.js';
import { importValidatedPack } from '../../server/services/process-publish.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let copy: string;
let tdb: TestDatabase;
let api: ChildProcess | undefined;

/** the environment without this vitest run's own variables, so a child vitest starts afresh */
const childEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|NODE_ENV$)/.test(k)));

beforeAll(async () => {
  // what a fresh clone holds: the tracked files and the new ones not ignored (not the recorded histories)
  copy = mkdtempSync(join(tmpdir(), 'zx-new-activity-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && !f.startsWith('test/workflows/histories/') && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(ROOT, f), join(copy, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  tdb = await createTestDatabase();
  await importValidatedPack(tdb.db, readPackFolder('hunan'));
  await loadDemoCounty(tdb.db, 'zhenxing');
});

afterAll(async () => {
  api?.kill();
  await tdb?.drop();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

it('new:activity demo-check: the scaffolded test passes and the designer is offered demoCheck with its inputs', async () => {
  expect(existsSync(join(copy, 'activities', 'demo-check.ts'))).toBe(false);
  execFileSync('npm', ['run', '-s', 'new:activity', 'demo-check'], { cwd: copy, env: childEnv() });
  expect(existsSync(join(copy, 'activities', 'demo-check.ts'))).toBe(true);
  expect(readFileSync(join(copy, 'activities', 'registry.ts'), 'utf8')).toMatch(/^ {2}demoCheck,$/m);
  // the same scaffold again is refused, not doubled
  expect(() =>
    execFileSync('npm', ['run', '-s', 'new:activity', 'demo-check'], {
      cwd: copy,
      env: childEnv(),
      stdio: 'pipe',
    }),
  ).toThrow();

  // it compiles: its types come from its schemas
  writeFileSync(
    join(copy, 'tsconfig.scaffold.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      include: [],
      files: ['activities/demo-check.ts', 'activities/demo-check.test.ts', 'activities/registry.ts'],
    }),
  );
  execFileSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.scaffold.json'], { cwd: copy, env: childEnv() });

  // its own test, as the developer runs it
  const out = execFileSync('npx', ['vitest', 'run', '--project', 'unit', 'activities/demo-check.test.ts'], {
    cwd: copy,
    env: childEnv(),
    encoding: 'utf8',
  });
  expect(out).toMatch(/Tests\s+.*2 passed/);

  // the API of the copy lists it for the process designer, with the input fields it maps
  api = spawn(process.execPath, ['--import', 'tsx', 'test/support/api-process.ts'], {
    cwd: copy,
    env: { ...childEnv(), DATABASE_URL: tdb.url, TEMPORAL_ADDRESS: inject('temporalAddress'), PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    api!.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const m = /api-ready (\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    api!.on('exit', (code) => reject(new Error(`the copy's API exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'zhenxing' }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const res = await fetch(`${base}/api/admin/activities`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as {
    items: {
      name: string;
      title: { zh: string };
      inputSchema: { properties: Record<string, { title?: string }> };
    }[];
  };
  const demo = items.find((a) => a.name === 'demoCheck');
  expect(demo?.title.zh).toBe('demo-check（待命名）');
  expect(Object.entries(demo!.inputSchema.properties).map(([k, p]) => [k, p.title])).toEqual([
    ['idNumber', '身份证号'],
    ['note', '备注'],
  ]);
  // and this tree itself is untouched
  expect(existsSync(join(ROOT, 'activities', 'demo-check.ts'))).toBe(false);
}, 300_000);
