/**
 * The engine's projection activity: the case workflow sends its events here in batches; the writes
 * themselves (idempotent, dead letters for events PostgreSQL refuses for good) are `store/read-model.ts`.
 */
import type pg from 'pg';
import type { ProjectArgs, ProjectResult } from '../workflows/contract.js';
import { projectEvents } from '../store/read-model.js';

export function readModelActivities(db: pg.Pool) {
  return {
    async project(args: ProjectArgs): Promise<ProjectResult> {
      return projectEvents(db, args);
    },
  };
}
