/** Everything the worker registers: the engine's own activities and the registry's. */
import type pg from 'pg';
import { readModelActivities } from './read-model.js';
import { assigneeActivities } from './assignees.js';
import { calendarActivities } from './calendar.js';
import { objectionActivities } from './objections.js';
import { ACTIVITIES } from './registry.js';
import { scheduleActivities } from './scheduled-round.js';
import { recordRuns } from './runs.js';
import type { ServiceDeps } from '../server/services/deps.js';

/**
 * `services` (a Temporal client and the task queue cases start on) lets the
 * worker run schedule rounds, which start cases; every worker that serves the
 * case task queue gets it.
 */
export function createActivities(
  db: pg.Pool,
  services?: ServiceDeps,
): Record<string, (...args: any[]) => Promise<unknown>> {
  const acts: Record<string, (...args: any[]) => Promise<unknown>> = {
    ...readModelActivities(db),
    ...assigneeActivities(db),
    ...calendarActivities(db),
    ...objectionActivities(db),
    ...(services ? scheduleActivities(services) : {}),
  };
  // a process step's activity: each attempt is recorded for the case timeline (runs.ts)
  for (const a of ACTIVITIES) acts[a.name] = recordRuns(db, a.name, a.create({ db }));
  return acts;
}
