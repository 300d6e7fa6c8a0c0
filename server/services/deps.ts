import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Config } from '../config.js';

/** What the service layer needs; the API and the scenario tests build one each. */
export interface ServiceDeps {
  db: pg.Pool;
  temporal: Client;
  taskQueue: string;
  daySeconds: number;
  /** the clock for "which year's parameters" (tests may pin it) */
  now?: () => Date;
}

export function serviceDeps(config: Config, db: pg.Pool, temporal: Client): ServiceDeps {
  return { db, temporal, taskQueue: config.taskQueue, daySeconds: config.daySeconds };
}
