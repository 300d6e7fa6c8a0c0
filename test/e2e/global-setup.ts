/**
 * Starts the product the way a user does — `server/main.ts` with the embedded
 * PostgreSQL and Temporal, demo county, demo time scale — in a fresh data
 * folder on its own ports, and stops it afterwards (SIGTERM, like Ctrl-C).
 */
import type { TestProject } from 'vitest/node';
import { spawn } from 'node:child_process';
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  execSync('node scripts/ensure-chromium.mjs', { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'web/dist/index.html')))
    execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
  const dataDir = join(ROOT, '.data', 'e2e');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  // ZX_E2E_PORT_OFFSET moves every port, so two worktrees can run browser tests on one machine
  const off = Number(process.env.ZX_E2E_PORT_OFFSET ?? 0) || 0;
  const port = 3311 + off;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      ZX_DATA_DIR: dataDir,
      ZX_PG_PORT: String(54311 + off),
      ZX_TEMPORAL_PORT: String(17311 + off),
      ZX_TEMPORAL_UI_PORT: String(18311 + off),
      ZX_DAY_SECONDS: process.env.ZX_DAY_SECONDS ?? '2',
      ZX_DEMO: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start within 180 s')), 180_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
  });
  project.provide('baseUrl', baseUrl);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
}
