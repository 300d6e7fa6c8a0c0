/**
 * 自动环节记录 the activity steps of a case as timeline entries: one per run of a step (its retries
 * counted as attempts), with the input and output summaries, the duration and, when it failed, why.
 * The step is the definition's activity step that calls that activity (named when only one does).
 */
import type { ActivityRunPayload } from '../../shared/api-types.js';
import type pg from 'pg';
import type { ProcessDefinition } from '../../workflows/definition.js';

export interface ActivityTimelineEntry {
  seq: null;
  kind: 'activity.completed' | 'activity.failed' | 'activity.running';
  step_id: string | null;
  actor_id: null;
  at: string;
  payload: ActivityRunPayload;
}

export async function activityTimeline(
  db: pg.Pool | pg.ClientBase,
  caseId: string,
  def: ProcessDefinition | undefined,
): Promise<ActivityTimelineEntry[]> {
  const { rows } = await db.query(
    `SELECT run_id, activity_id, activity, max(attempt)::int AS attempts, min(started_at) AS started_at,
            max(finished_at) AS finished_at,
            (array_agg(ok ORDER BY attempt DESC))[1] AS ok,
            (array_agg(error ORDER BY attempt DESC))[1] AS error,
            (array_agg(input_summary ORDER BY attempt DESC))[1] AS input_summary,
            (array_agg(output_summary ORDER BY attempt DESC))[1] AS output_summary
       FROM activity_runs WHERE case_id = $1
      GROUP BY run_id, activity_id, activity ORDER BY min(started_at) LIMIT 500`,
    [caseId],
  );
  return rows.map((r) => {
    const steps = (def?.steps ?? []).filter((s) => s.type === 'activity' && s.activity === r.activity);
    const step = steps.length === 1 ? steps[0]! : undefined;
    const finished: Date | null = r.finished_at;
    return {
      seq: null,
      kind: r.ok === true ? 'activity.completed' : r.ok === false ? 'activity.failed' : 'activity.running',
      step_id: step?.id ?? null,
      actor_id: null,
      at: (finished ?? r.started_at).toISOString(),
      payload: {
        stepTitle: step?.title.zh,
        activity: r.activity,
        attempts: r.attempts,
        startedAt: r.started_at.toISOString(),
        durationMs: finished ? finished.getTime() - r.started_at.getTime() : null,
        inputSummary: r.input_summary,
        outputSummary: r.output_summary,
        error: r.error,
      },
    };
  });
}

/** The case's events and its activity runs in one list, by time (events keep their order among themselves). */
export function withActivities<E extends { at: string | Date }>(
  events: E[],
  runs: ActivityTimelineEntry[],
): (E | ActivityTimelineEntry)[] {
  const out: (E | ActivityTimelineEntry)[] = [];
  let i = 0;
  for (const e of events) {
    while (i < runs.length && new Date(runs[i]!.at) <= new Date(e.at)) out.push(runs[i++]!);
    out.push(e);
  }
  return [...out, ...runs.slice(i)];
}
