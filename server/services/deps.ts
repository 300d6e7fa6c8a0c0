import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Config, PublicLimits } from '../config.js';

/** What the service layer needs; the API and the scenario tests build one each. */
export interface ServiceDeps {
  db: pg.Pool;
  temporal: Client;
  taskQueue: string;
  daySeconds: number;
  /** the clock for "which year's parameters" (tests may pin it) */
  now?: () => Date;
  /** limits of the public board (the defaults when absent) */
  publicLimits?: PublicLimits;
  /** key of the hash that identifies a client address without storing it */
  clientKey?: Buffer;
}

export function serviceDeps(config: Config, db: pg.Pool, temporal: Client): ServiceDeps {
  return {
    db,
    temporal,
    taskQueue: config.taskQueue,
    daySeconds: config.daySeconds,
    publicLimits: config.publicLimits,
    clientKey: config.codecKeys[0]?.key,
  };
}
