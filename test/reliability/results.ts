/**
 * The drills' figures, kept in bench/reliability-results.json (one entry per drill, with the machine
 * and the date), next to the benchmarks' bench/results.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';

const FILE = join(ROOT, 'bench', 'reliability-results.json');

export function recordDrill(
  id: string,
  summary: string,
  figures: Record<string, number | string | boolean>,
): void {
  console.log(`${id} figures: ${summary}`);
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  const all = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : { drills: {} };
  all.machine = {
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    cpu: cpus()[0]?.model,
    node: process.version,
  };
  all.scale = process.env.RELIABILITY_SCALE === 'full' ? 'full' : 'small';
  all.drills[id] = { date: new Date().toISOString(), summary, ...figures };
  writeFileSync(FILE, JSON.stringify(all, null, 2));
}
