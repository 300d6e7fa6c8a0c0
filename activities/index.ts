/** Everything the worker registers: the engine's own activities and the registry's. */
import type pg from 'pg';
import { readModelActivities } from './projection.js';
import { assigneeActivities } from './assignees.js';
import { calendarActivities } from './calendar.js';
import { objectionActivities } from './objections.js';
import { ACTIVITIES } from './registry.js';
import { scheduleActivities, type RunRound } from './scheduled-round.js';
import { recordRuns } from './runs.js';

/**
 * `runRound` (handed in by the server, which owns starting cases) lets the
 * worker run schedule rounds; every worker that serves the case task queue
 * gets it (`server/temporal/connect.ts` `workerActivities`).
 */
export function createActivities(
  db: pg.Pool,
  runRound?: RunRound,
): Record<string, (...args: any[]) => Promise<unknown>> {
  const acts: Record<string, (...args: any[]) => Promise<unknown>> = {
    ...readModelActivities(db),
    ...assigneeActivities(db),
    ...calendarActivities(db),
    ...objectionActivities(db),
    ...(runRound ? scheduleActivities(runRound) : {}),
  };
  // a process step's activity: each attempt is recorded for the case timeline (runs.ts)
  for (const a of ACTIVITIES) acts[a.name] = recordRuns(db, a.name, a.create({ db }));
  return acts;
}
