/**
 * The activity behind `scheduledRoundWorkflow`: runs one round of a pack schedule, heartbeating as cases
 * start so a long round on a large county is not mistaken for a dead worker. The round itself starts
 * cases through the service layer (`server/services/schedules.ts` `runRound`); the server hands it in
 * when it builds the worker (`server/temporal/connect.ts` `workerActivities`), so this room never
 * imports the server.
 */
import { Context } from '@temporalio/activity';
import type { RoundInput, RoundReport } from '../workflows/contract.js';

export type RunRound = (
  input: RoundInput & { roundId: string },
  onProgress: (done: number) => void,
) => Promise<RoundReport>;

export function scheduleActivities(runRound: RunRound) {
  return {
    async startScheduledRound(input: RoundInput & { roundId: string }): Promise<RoundReport> {
      return runRound(input, (done) => Context.current().heartbeat({ done }));
    },
  };
}
