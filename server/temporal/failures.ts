/** What a refused Temporal Update or start means, as a domain error (kept apart from errors.ts, which stays free of Temporal). */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../../workflows/contract.js';
import { DomainError, domain } from '../errors.js';

/**
 * A refused Temporal Update (its validator threw an ApplicationFailure of one of the workflow's FAILURE
 * types), a case that is gone or has ended, or a start that already happened — as the domain error it means.
 */
export function fromWorkflowFailure(err: unknown): DomainError | undefined {
  if (err instanceof WorkflowNotFoundError) return domain.notFound('案件不存在', 'case not found');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const [detail] = (cause.details ?? []) as { zh: string; en: string }[];
      const zh = detail?.zh ?? cause.message;
      const en = detail?.en ?? cause.message;
      const fe = [{ path: '', message: zh, message_en: en }];
      if (cause.type === FAILURE.stale) return new DomainError('conflict', 'stale_action', zh, en, fe);
      if (cause.type === FAILURE.forbidden) return new DomainError('forbidden', 'forbidden', zh, en, fe);
      if (cause.type === FAILURE.invalid) return new DomainError('invalid', 'validation_failed', zh, en, fe);
    }
  }
  const name = (err as { name?: string })?.name;
  if (name === 'WorkflowExecutionAlreadyStartedError')
    return domain.conflict('该请求已处理', 'already started', 'duplicate');
  if (
    name === 'WorkflowUpdateFailedError' ||
    /workflow execution already completed/i.test(String((err as Error)?.message))
  ) {
    return domain.conflict('案件已办结', 'the case has ended', 'stale_action');
  }
  return undefined;
}
