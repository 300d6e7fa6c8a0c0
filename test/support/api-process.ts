/**
 * The API alone (no worker), as `npm start` serves it, in a process of its own: for a test that must see
 * the code of another checkout (the scaffolder test runs it in a copy of the tree). Prints `api-ready <port>`.
 * Env: DATABASE_URL (a migrated database), TEMPORAL_ADDRESS, PORT (0 = any).
 */
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { appRole, createPool } from '../../server/db.js';
import { createLogger } from '../../server/log.js';
import { connectClient } from '../../server/temporal/connect.js';

const url = process.env.DATABASE_URL!;
const config = {
  ...loadConfig({ NODE_ENV: 'test', ZX_TASK_QUEUE: 'api-process' }),
  temporalAddress: process.env.TEMPORAL_ADDRESS!,
};
const db = createPool(url, 4, { role: await appRole(url) });
const { client } = await connectClient({
  address: config.temporalAddress,
  namespace: 'default',
  codecKeys: config.codecKeys,
});
const app = createApp({ config, db, temporal: client, log: createLogger('error') });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`api-ready ${(server.address() as { port: number }).port}`);
});
