/** Everything the worker registers: the engine's own activities and the registry's. */
import type pg from 'pg';
import { readModelActivities } from './read-model.js';
import { assigneeActivities } from './assignees.js';
import { ACTIVITIES } from './registry.js';

export function createActivities(db: pg.Pool): Record<string, (...args: any[]) => Promise<unknown>> {
  const acts: Record<string, (...args: any[]) => Promise<unknown>> = {
    ...readModelActivities(db),
    ...assigneeActivities(db),
  };
  for (const a of ACTIVITIES) acts[a.name] = a.create({ db });
  return acts;
}
