/**
 * 工作流类型 the workflow types the worker registers (`workflows/index.ts`), by name. Temporal starts a
 * workflow by its name; `workflowType('…')` makes that name a checked one (a typo or a removed workflow fails
 * to compile) and `WorkflowOf<'…'>` gives its function type for `start<…>`, so its arguments are checked too.
 */
import type * as bundle from '../../workflows/index.js';

export type WorkflowType = keyof typeof bundle;
export type WorkflowOf<N extends WorkflowType> = (typeof bundle)[N];

export const workflowType = <N extends WorkflowType>(name: N): N => name;
