/**
 * `npm run pack -- import <id|folder> | export <id> [file] | diff <id> [--from V] [--to V]`
 * against the database the app uses (DATABASE_URL, or the embedded one: start it with `npm start` first,
 * or this command starts embedded PostgreSQL itself when it is not running).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../server/config.js';
import { createPool, migrate } from '../server/db.js';
import { startEmbeddedPostgres } from '../server/launcher/postgres.js';
import { diffPacks, exportPack, readPackFolder, type PackBundle } from '../server/services/packs.js';
import { importValidatedPack } from '../server/services/process-publish.js';

async function main() {
  const [cmd, arg, ...rest] = process.argv.slice(2);
  const config = loadConfig();
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const pg = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      persistent: true,
    }).catch(() => undefined);
    url = pg?.url ?? `postgres://zhenxing:zhenxing@127.0.0.1:${config.embeddedPgPort}/zhenxing`;
    stop = pg?.stop;
  }
  await migrate(url);
  const db = createPool(url, 4);
  try {
    if (cmd === 'import' && arg) {
      const bundle: PackBundle = arg.endsWith('.json')
        ? JSON.parse(readFileSync(arg, 'utf8'))
        : readPackFolder(arg);
      const report = await importValidatedPack(db, bundle);
      console.log(JSON.stringify(report, null, 2));
    } else if (cmd === 'export' && arg) {
      const bundle = await exportPack(db, arg);
      const out = JSON.stringify(bundle, null, 2);
      if (rest[0]) writeFileSync(rest[0], out);
      else console.log(out);
    } else if (cmd === 'diff' && arg) {
      const opt = (name: string) => {
        const i = rest.indexOf(name);
        return i >= 0 ? rest[i + 1] : undefined;
      };
      const load = async (v?: string): Promise<PackBundle> => {
        if (!v) return exportPack(db, arg);
        if (v.endsWith('.json')) return JSON.parse(readFileSync(v, 'utf8'));
        const { rows } = await db.query('SELECT bundle FROM packs WHERE id = $1 AND version = $2', [arg, v]);
        if (!rows[0]) throw new Error(`no version ${v} of pack ${arg}`);
        return rows[0].bundle;
      };
      console.log(JSON.stringify(diffPacks(await load(opt('--from')), await load(opt('--to'))), null, 2));
    } else {
      console.error(
        'usage: npm run pack -- import <id|file.json> | export <id> [file] | diff <id> [--from V|file] [--to V|file]',
      );
      process.exitCode = 2;
    }
  } finally {
    await db.end();
    await stop?.();
  }
}

main().catch((err) => {
  console.error(`[zhenxing pack] ${err.message}${err.details ? '\n  ' + err.details.join('\n  ') : ''}`);
  process.exit(1);
});
