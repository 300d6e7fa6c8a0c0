/**
 * For an activity's own test (`activities/<name>.db.test.ts`): a real database with the demo county (its
 * organisation tree, people and households, as `npm start` loads it), and the activity run as the worker
 * runs it — inside an activity Context (Temporal's test environment for activities), so `Context.current()`
 * gives the case (workflow id), the activity id and the attempt that the activity keys its writes by.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type pg from 'pg';
import type { ActivityDefinition } from '../../activities/define.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { projectEvents } from '../../store/read-model.js';
import type { CaseStatus, ProjectionEvent } from '../../workflows/contract.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** A fresh database holding the demo county (the Hunan pack's demo folder). */
export async function demoCountyDatabase(): Promise<TestDatabase> {
  const tdb = await createTestDatabase();
  await loadDemoCounty(tdb.db, 'zhenxing');
  return tdb;
}

export interface RunAs {
  /** the case (workflow id) the activity runs for */
  caseId: string;
  /** the activity's id in that run (a retry keeps it) */
  activityId?: string;
  attempt?: number;
  /** when Temporal scheduled this attempt (policy time for activities that date what they write) */
  scheduledAt?: Date;
}

/**
 * The activity's function, as the worker registers it, run inside the Context of `as`; `db` may be given
 * as a function, read at the first call (a test file's database exists only once `beforeAll` has run).
 */
export function inWorker<I, O>(def: ActivityDefinition<I, O>, db: pg.Pool | (() => pg.Pool), as: RunAs) {
  let fn: ((input: I) => Promise<O>) | undefined;
  return (input: I): Promise<O> => {
    fn ??= def.create({ db: typeof db === 'function' ? db() : db });
    const env = new MockActivityEnvironment({
      activityId: as.activityId ?? '1',
      activityType: def.name,
      attempt: as.attempt ?? 1,
      workflowExecution: { workflowId: as.caseId, runId: `${as.caseId}-run` },
      ...(as.scheduledAt ? { currentAttemptScheduledTimestampMs: as.scheduledAt.getTime() } : {}),
    });
    return env.run(fn!, input);
  };
}

/**
 * A case as the read model holds it once the workflow has projected its start (and its end, when given):
 * written through the same projection writer the worker uses (`store/read-model.ts`).
 */
export async function projectedCase(
  db: pg.Pool,
  c: {
    id: string;
    processKey: string;
    orgId: string;
    data: Record<string, unknown>;
    subjectName?: string;
    ended?: { status: CaseStatus; outcome: string };
  },
): Promise<void> {
  const org = (await db.query('SELECT id, level, name, path FROM org_nodes WHERE id = $1', [c.orgId]))
    .rows[0];
  if (!org) throw new Error(`unknown org ${c.orgId}`);
  const at = Date.parse('2026-03-01T08:00:00Z');
  const events: ProjectionEvent[] = [
    {
      seq: 1,
      at,
      kind: 'case.started',
      processKey: c.processKey,
      processVersion: 1,
      title: c.subjectName ?? c.id,
      org: { id: org.id, level: org.level, name: org.name, path: org.path, ancestors: {} },
      subject: { kind: 'project', name: c.subjectName ?? c.id },
      initiatorId: 'admin',
      data: c.data,
    },
  ];
  if (c.ended) events.push({ seq: 2, at: at + 86_400_000, kind: 'case.ended', ...c.ended });
  await projectEvents(db, { caseId: c.id, events });
}
