/**
 * 办理依据 what a person deciding a task needs beside the step's form: the case's earlier documents (附件1,
 * 附件2 with what its stages have filled, the village review minutes, the investigation, opinions) read-only,
 * with the form version each was filled on, and the objections filed during its notices (receipt and text).
 * Personal data is masked as on the case page; a full read goes through the audited print view.
 */
import type { ServiceDeps } from './deps.js';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { resolvedForm } from './form-check.js';
import { maskValue } from './masking.js';
import type { EvidenceDocument, TaskView } from '../../shared/api-types.js';

export type { EvidenceDocument };

export async function caseEvidence(
  deps: ServiceDeps,
  c: { caseId: string; caseData: Record<string, unknown> | null; ownStore?: string },
  def: ProcessDefinition | undefined,
): Promise<TaskView['evidence']> {
  const data = c.caseData ?? {};
  const documents: EvidenceDocument[] = [];
  const seen = new Set<string>();
  const tasks = await deps.db.query(
    `SELECT t.step_id, t.form_version, a.actor_name, a.action, a.at FROM tasks t
       LEFT JOIN LATERAL (SELECT actor_name, action, at FROM task_actions x WHERE x.task_id = t.id ORDER BY at DESC LIMIT 1) a ON true
      WHERE t.case_id = $1 AND t.status = 'completed' ORDER BY t.completed_at DESC NULLS LAST, t.created_at DESC`,
    [c.caseId],
  );
  for (const step of def?.steps ?? []) {
    if (step.type !== 'task' || !step.form) continue;
    const store = step.store ?? step.form.key;
    if (seen.has(store) || store === c.ownStore || !data[store] || typeof data[store] !== 'object') continue;
    seen.add(store);
    // the latest completed task that wrote this document (a document filled in stages: its latest stage)
    const stores = new Set(
      (def?.steps ?? [])
        .filter((s) => s.type === 'task' && s.form && (s.store ?? s.form.key) === store)
        .map((s) => s.id),
    );
    const last = tasks.rows.find((t) => stores.has(t.step_id));
    const form = await resolvedForm(deps.db, step.form.key, last?.form_version ?? undefined);
    documents.push({
      key: store,
      formKey: step.form.key,
      title: form?.title?.zh ?? step.title.zh,
      stepTitle: step.title.zh,
      form: form ? { schema: form.schema, uiSchema: form.uiSchema } : null,
      data: maskValue(data[store] as Record<string, unknown>),
      signedBy: last?.actor_name ? { name: last.actor_name, at: last.at, action: last.action } : undefined,
    });
  }
  const objections = await deps.db.query(
    `SELECT o.receipt, o.content, o.status, o.filed_at AS "filedAt", n.title AS "noticeTitle"
       FROM objections o JOIN notices n ON n.id = o.notice_id WHERE o.case_id = $1 ORDER BY o.filed_at`,
    [c.caseId],
  );
  return { documents, objections: objections.rows.map((o) => ({ ...o, content: maskValue(o.content) })) };
}
