/**
 * 定时任务轮次 one firing of a pack schedule (S5 follow-ups). The schedule starts
 * this workflow; its one activity starts a case per target through the
 * service layer. The workflow id (schedule action id + fire time) is the
 * round id, which makes the round idempotent when the activity is retried.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RoundInput, RoundReport } from './contract.js';

const { startScheduledRound } = proxyActivities<{
  startScheduledRound(input: RoundInput & { roundId: string }): Promise<RoundReport>;
}>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function scheduledRoundWorkflow(input: RoundInput): Promise<RoundReport> {
  return startScheduledRound({ ...input, roundId: workflowInfo().workflowId });
}
