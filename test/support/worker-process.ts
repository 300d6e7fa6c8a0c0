/**
 * A worker in its own process, so a test can SIGKILL it mid-activity.
 * Registers the real activities plus `slowStamp`, which takes a while and
 * writes one row keyed by workflow id + activity id (idempotent).
 */
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker, DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { appLoginUrl, appRole, createPool } from '../../server/db.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const appUrl = await appLoginUrl(process.env.DATABASE_URL!);
const db = createPool(appUrl ?? process.env.DATABASE_URL!, 4, {
  role: appUrl ? undefined : await appRole(process.env.DATABASE_URL!),
});
const keys = [{ id: 'test', key: Buffer.alloc(32, 3) }];
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.TASK_QUEUE!,
  workflowBundle: await workflowBundle(),
  dataConverter: dataConverter(keys),
  activities: {
    ...createActivities(db),
    async slowStamp(input: { ms: number }) {
      const info = Context.current().info;
      await db.query(`INSERT INTO notifications (id, kind, message) VALUES ($1, 'attempt', $2)`, [
        `${info.workflowExecution?.workflowId}:${info.activityId}:attempt:${info.attempt}`,
        `slowStamp attempt pid ${process.pid} ppid ${process.ppid}`,
      ]);
      await new Promise((r) => setTimeout(r, input.ms));
      await db.query(
        `INSERT INTO notifications (id, kind, message) VALUES ($1, 'stamp', 'done by ' || $2) ON CONFLICT (id) DO NOTHING`,
        [`${info.workflowExecution?.workflowId}:${info.activityId}`, String(process.pid)],
      );
      return { stamped: true };
    },
  },
});
console.log(`worker-ready ${process.pid}`);
await worker.run();
