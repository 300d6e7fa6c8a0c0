/** First start: load the policy pack and, in demo mode, the demo county — only into an empty database. */
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export async function bootstrapData(deps: { db: pg.Pool; config: Config; log: Logger }): Promise<void> {
  void deps;
}
