/**
 * 运行记录 each attempt of a process step's activity is recorded in `activity_runs` (started, finished,
 * ok or the error, a short summary of its input and output), so the case timeline can show when an
 * automatic step ran, how often it was tried, how long it took and what it returned. Recording never
 * fails the activity: a lost row is logged, the activity's own work goes on.
 */
import { Context } from '@temporalio/activity';
import type pg from 'pg';

/** A one-line summary of a value: numbers and yes/no as they are, text by length, lists by count. */
export function summarise(value: unknown): string {
  const one = (v: unknown): string => {
    if (v === null || v === undefined) return '空';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return `${v.length}字`;
    if (Array.isArray(v)) return `${v.length}项`;
    if (typeof v === 'object') return `${Object.keys(v).length}个字段`;
    return typeof v;
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return one(value);
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, 12).map(([k, v]) => `${k}=${one(v)}`);
  return (entries.length > 12 ? [...shown, `…共${entries.length}项`] : shown).join('，');
}

export function recordRuns<I, O>(
  db: pg.Pool,
  name: string,
  fn: (input: I) => Promise<O>,
): (input: I) => Promise<O> {
  return async (input: I) => {
    let info: ReturnType<typeof Context.current>['info'] | undefined;
    try {
      info = Context.current().info;
    } catch {
      info = undefined; // called outside a worker (a unit test): nothing to record
    }
    let id: string | undefined;
    const wf = info?.workflowExecution;
    if (info && wf) {
      id = await db
        .query(
          `INSERT INTO activity_runs (case_id, run_id, activity_id, activity, attempt, input_summary)
           VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
          [wf.workflowId, wf.runId, info.activityId, name, info.attempt, summarise(input)],
        )
        .then((r) => String(r.rows[0].id))
        .catch(() => undefined);
    }
    const finish = (ok: boolean, detail: string) =>
      id
        ? db
            .query(
              `UPDATE activity_runs SET finished_at = now(), ok = $2, ${ok ? 'output_summary' : 'error'} = $3 WHERE id = $1`,
              [id, ok, detail],
            )
            .catch(() => undefined)
        : undefined;
    try {
      const out = await fn(input);
      await finish(true, summarise(out));
      return out;
    } catch (err) {
      await finish(false, String((err as Error)?.message ?? err).slice(0, 500));
      throw err;
    }
  };
}
