/** `npm run audit:verify`: recompute the audit log's hash chain and say where it breaks. */
import { loadConfig } from '../server/config.js';
import { createPool } from '../server/db.js';
import { verifyAuditChain } from '../store/audit.js';

const config = loadConfig();
const url = config.databaseUrl ?? `postgres://zhenxing:zhenxing@127.0.0.1:${config.embeddedPgPort}/zhenxing`;
const db = createPool(url, 1);
verifyAuditChain(db)
  .then((r) => {
    console.log(
      r.ok
        ? `audit chain intact: ${r.rows} rows`
        : `audit chain BROKEN at seq ${r.brokenAt} (${r.rows} rows)`,
    );
    process.exitCode = r.ok ? 0 : 1;
  })
  .catch((err) => {
    console.error(`[zhenxing] ${err.message} (is the database running? start the app or set DATABASE_URL)`);
    process.exitCode = 1;
  })
  .finally(() => db.end());
