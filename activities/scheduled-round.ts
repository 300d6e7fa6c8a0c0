/**
 * The activity behind `scheduledRoundWorkflow`: runs one round of a pack
 * schedule through the service layer (`server/services/schedules.ts`),
 * heartbeating as cases start so a long round on a large county is not
 * mistaken for a dead worker.
 */
import { Context } from '@temporalio/activity';
import type { RoundInput, RoundReport } from '../workflows/contract.js';
import type { ServiceDeps } from '../server/services/deps.js';
import { runRound } from '../server/services/schedules.js';

export function scheduleActivities(services: ServiceDeps) {
  return {
    async startScheduledRound(input: RoundInput & { roundId: string }): Promise<RoundReport> {
      return runRound(services, input, (done) => Context.current().heartbeat({ done }));
    },
  };
}
