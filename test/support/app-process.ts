/**
 * The whole app — API and worker in one process, as `npm start` runs it — on a port of its own, so a
 * drill can kill -9 it mid-request and start it again. The workflow code comes prebuilt (WORKFLOW_BUNDLE,
 * a file from bundleWorkflowCode) so a restart takes seconds. Prints `app-ready <port>` when it listens.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { appRole, createPool } from '../../server/db.js';
import { createLogger } from '../../server/log.js';
import { serviceDeps } from '../../server/services/deps.js';
import { connectClient, dataConverter, workerActivities } from '../../server/temporal/connect.js';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const url = process.env.DATABASE_URL!;
const config = {
  ...loadConfig({ NODE_ENV: 'test', ZX_TASK_QUEUE: process.env.TASK_QUEUE! }),
  temporalAddress: process.env.TEMPORAL_ADDRESS!,
};
const db = createPool(url, 8, { role: await appRole(url) });
const { client } = await connectClient({
  address: config.temporalAddress,
  namespace: 'default',
  codecKeys: config.codecKeys,
});
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: config.temporalAddress }),
  taskQueue: config.taskQueue,
  workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! },
  activities: workerActivities(db, serviceDeps(config, db, client)),
  dataConverter: dataConverter(config.codecKeys),
});
void worker.run();
const app = createApp({ config, db, temporal: client, log: createLogger('error') });
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`app-ready ${process.env.PORT}`),
);
void server;
