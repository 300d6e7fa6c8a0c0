/**
 * 文书 a case's documents for reading, printing and the county's files: the signed snapshot (else the
 * case data) of a form, laid out once (server/documents/layout.ts) for the print view and the PDF, its
 * status from the case (已签署 once the step that fills it is done or the case has finished), and the
 * case archive — every document in order plus the timeline — as one PDF.
 */
import type { ServiceDeps } from './deps.js';
import type { Principal } from './principal.js';
import { visibleCase } from './cases.js';
import { resolvedForm } from './form-check.js';
import { readCaseData } from './personal-data.js';
import { ATTACHMENT_ID } from './attachments.js';
import { domain } from '../errors.js';
import { processVersion } from './catalog.js';
import { evidenceStore } from '../../workflows/definition.js';
import { documentLayout, type DocumentLayout, type LayoutSignature } from '../../forms/document-layout.js';
import { renderArchivePdf, renderDocumentPdf, type Images, type TimelineEntry } from '../documents/pdf.js';

interface CaseRow {
  id: string;
  title: string;
  org_name: string;
  org_path: string[];
  initiator_id: string | null;
  subject_name: string | null;
  status: string;
  data: Record<string, unknown> | null;
  process_key: string;
  process_version: number;
  started_at: Date;
  ended_at: Date | null;
}

async function caseRow(svc: ServiceDeps, who: Principal, id: string): Promise<CaseRow> {
  await visibleCase(svc, who, id);
  const { rows } = await svc.db.query<CaseRow>(
    `SELECT c.id, c.title, c.org_path, c.initiator_id, c.subject_name, c.status, c.data, c.process_key, c.process_version,
            c.started_at, c.ended_at,
            o.name AS org_name
       FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

/**
 * 佐证材料 the per-actor evidence forms of the case's process (入户核实记录): form key → where the records are
 * kept in case data, after which form they stand, and the steps that take them.
 */
async function evidenceForms(svc: ServiceDeps, c: CaseRow) {
  const def = await processVersion(svc.db, c.process_key, c.process_version);
  const out = new Map<string, { store: string; after?: string; steps: string[] }>();
  for (const step of def?.steps ?? []) {
    if (step.type !== 'task' || !step.evidence) continue;
    const e = out.get(step.evidence.form) ?? {
      store: evidenceStore(step.evidence),
      after: step.form?.key,
      steps: [],
    };
    e.steps.push(step.id);
    out.set(step.evidence.form, e);
  }
  return out;
}

/** the document's data (signed snapshot first), its form version, and whether it is final */
async function documentSource(svc: ServiceDeps, c: CaseRow, key: string) {
  const evidence = (await evidenceForms(svc, c)).get(key);
  if (evidence) {
    // each actor's record, kept beside the step's shared form: final once the step is done
    const data = c.data?.[evidence.store] as Record<string, unknown> | undefined;
    if (!data) return undefined;
    const open = await svc.db.query(
      `SELECT 1 FROM tasks WHERE case_id = $1 AND step_id = ANY($2) AND status = 'open' LIMIT 1`,
      [c.id, evidence.steps],
    );
    return { data, formVersion: undefined, signed: c.status !== 'running' || !open.rowCount };
  }
  const snap = await svc.db.query<{ data: Record<string, unknown>; form_version: number | null }>(
    'SELECT data, form_version FROM documents WHERE case_id = $1 AND form_key = $2 ORDER BY created_at DESC LIMIT 1',
    [c.id, key],
  );
  const data = snap.rows[0]?.data ?? (c.data?.[key] as Record<string, unknown> | undefined);
  if (!data) return undefined;
  // final: a frozen snapshot, a finished case, or every step that fills this form is done (会签 complete)
  const steps = await svc.db.query<{ open: number; done: number }>(
    `SELECT count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'completed')::int AS done
       FROM tasks WHERE case_id = $1 AND form_key = $2`,
    [c.id, key],
  );
  const s = steps.rows[0];
  const signed = Boolean(snap.rows[0]) || c.status !== 'running' || (s.open === 0 && s.done > 0);
  return { data, formVersion: snap.rows[0]?.form_version ?? undefined, signed };
}

const signaturesOf = (c: CaseRow) =>
  (c.data?.signatures ?? undefined) as Record<string, LayoutSignature[]> | undefined;

/** who signed anything on the case, by user id (names the actors of a per-actor document) */
const actorsOf = (c: CaseRow): Record<string, string> =>
  Object.fromEntries(
    Object.values((c.data?.signatures ?? {}) as Record<string, { userId?: string; name: string }[]>)
      .flat()
      .filter((r) => r.userId)
      .map((r) => [r.userId!, r.name]),
  );

async function layoutFor(
  svc: ServiceDeps,
  who: Principal,
  c: CaseRow,
  key: string,
  purpose: 'document.view' | 'document.print',
): Promise<{ layout: DocumentLayout; data: Record<string, unknown>; unmasked: boolean } | undefined> {
  const src = await documentSource(svc, c, key);
  if (!src) return undefined;
  const form = await resolvedForm(svc.db, key, src.formVersion);
  if (!form) return undefined;
  // an official document is read in full by those who may (audited), masked for the rest; with it the
  // household's lines of 附件1 that head some paper forms (附件3)
  const shown = await readCaseData(
    svc,
    who,
    c,
    { doc: src.data, application: (c.data?.application ?? undefined) as Record<string, unknown> | undefined },
    { purpose, unmask: true, form: key },
  );
  return {
    layout: documentLayout(key, form, shown.value.doc, {
      application: shown.value.application,
      caseId: c.id,
      orgName: c.org_name,
      subjectName: c.subject_name ?? '',
      signed: src.signed,
      signatures: signaturesOf(c),
      actors: actorsOf(c),
    }),
    data: shown.value.doc,
    unmasked: shown.unmasked,
  };
}

/** 文书 one document of a case, laid out as on paper, for the print view. */
export async function caseDocument(svc: ServiceDeps, who: Principal, caseId: string, key: string) {
  const c = await caseRow(svc, who, caseId);
  const got = await layoutFor(svc, who, c, key, 'document.view');
  if (!got) throw domain.notFound('该案件还没有这份文书', 'the case has no such document yet');
  return {
    layout: got.layout,
    /** the document's data as read (masked unless the reader may read it in full) */
    data: got.data,
    unmasked: got.unmasked,
    signed: got.layout.signed,
    case: {
      id: c.id,
      title: c.title,
      orgName: c.org_name,
      subjectName: c.subject_name ?? '',
      status: c.status,
    },
  };
}

/** the images a set of layouts shows (handwritten signatures, photos), PNG or JPEG as pdfkit draws them */
async function imagesOf(svc: ServiceDeps, layouts: DocumentLayout[]): Promise<Images> {
  const ids = new Set<string>();
  for (const l of layouts)
    for (const b of l.blocks) {
      if (b.kind === 'opinion') b.signers.forEach((s) => s.signature && ids.add(s.signature));
      else if (b.kind === 'fields') b.rows.forEach((r) => r.value.images?.forEach((i) => ids.add(i)));
      else b.rows.forEach((r) => r.forEach((v) => v.images?.forEach((i) => ids.add(i))));
    }
  const wanted = [...ids].filter((i) => ATTACHMENT_ID.test(i));
  const images: Images = new Map();
  if (!wanted.length) return images;
  const { rows } = await svc.db.query<{ id: string; content_type: string; bytes: Buffer }>(
    `SELECT id, content_type, bytes FROM attachments WHERE id = ANY($1) AND content_type IN ('image/png','image/jpeg')`,
    [wanted],
  );
  for (const r of rows) images.set(r.id, r.bytes);
  return images;
}

const caseLink = (origin: string, id: string) => `${origin}/cases/${encodeURIComponent(id)}`;

/** 文书PDF one document of a case as an A4 PDF from the same layout as the print view. */
export async function caseDocumentPdf(
  svc: ServiceDeps,
  who: Principal,
  caseId: string,
  key: string,
  origin: string,
): Promise<Buffer> {
  const c = await caseRow(svc, who, caseId);
  const got = await layoutFor(svc, who, c, key, 'document.print');
  if (!got) throw domain.notFound('该案件还没有这份文书', 'the case has no such document yet');
  return renderDocumentPdf(
    { layout: got.layout, verifyUrl: caseLink(origin, c.id) },
    await imagesOf(svc, [got.layout]),
  );
}

const ENDED: Record<string, string> = {
  approved: '已通过',
  rejected: '未通过',
  refused: '不予受理',
  withdrawn: '已撤回',
  cancelled: '已终止',
  completed: '已办结',
};

const chinaTime = (d: Date | string) =>
  new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** 案卷 every document of the case in the order its steps filled them, then the timeline, as one PDF. */
export async function caseArchivePdf(
  svc: ServiceDeps,
  who: Principal,
  caseId: string,
  origin: string,
): Promise<Buffer> {
  const c = await caseRow(svc, who, caseId);
  const keys = await svc.db.query<{ form_key: string }>(
    `SELECT form_key FROM (
       SELECT form_key, min(coalesce(completed_at, created_at)) AS first FROM tasks
        WHERE case_id = $1 AND form_key IS NOT NULL GROUP BY form_key
       UNION ALL
       SELECT form_key, min(created_at) FROM documents WHERE case_id = $1 GROUP BY form_key) k
     GROUP BY form_key ORDER BY min(first), form_key`,
    [caseId],
  );
  // each per-actor evidence document stands right after the form of the step that took it
  const order = keys.rows.map((r) => r.form_key);
  for (const [form, e] of await evidenceForms(svc, c)) {
    if (order.includes(form) || !c.data?.[e.store]) continue;
    const at = e.after ? order.indexOf(e.after) : -1;
    order.splice(at < 0 ? order.length : at + 1, 0, form);
  }
  const layouts: DocumentLayout[] = [];
  for (const form_key of order) {
    const got = await layoutFor(svc, who, c, form_key, 'document.print');
    if (got) layouts.push(got.layout);
  }
  const actions = await svc.db.query<{
    at: Date;
    step_title: string;
    actor_name: string | null;
    action: string;
    comment: string | null;
    actions: { id: string; label?: { zh?: string } }[];
  }>(
    `SELECT a.at, t.step_title, a.actor_name, a.action, a.comment, t.actions
       FROM task_actions a JOIN tasks t ON t.id = a.task_id WHERE a.case_id = $1 ORDER BY a.at, a.id`,
    [caseId],
  );
  const notices = await svc.db.query<{
    title: string;
    opens_at: Date;
    closes_at: Date;
    closed_at: Date | null;
  }>('SELECT title, opens_at, closes_at, closed_at FROM notices WHERE case_id = $1 ORDER BY opens_at', [
    caseId,
  ]);
  const rows: (TimelineEntry & { t: number })[] = [
    {
      t: new Date(c.started_at).getTime(),
      at: chinaTime(c.started_at),
      what: '发起',
      who: '',
      note: c.title,
    },
    ...actions.rows.map((a) => ({
      t: new Date(a.at).getTime(),
      at: chinaTime(a.at),
      what: `${a.step_title}：${a.actions?.find((x) => x.id === a.action)?.label?.zh ?? a.action}`,
      who: a.actor_name ?? '',
      note: a.comment ?? '',
    })),
    ...notices.rows.flatMap((n) => [
      {
        t: new Date(n.opens_at).getTime(),
        at: chinaTime(n.opens_at),
        what: '公示开始',
        who: '',
        note: `${n.title}（至 ${chinaTime(n.closes_at)}）`,
      },
      ...(n.closed_at
        ? [
            {
              t: new Date(n.closed_at).getTime(),
              at: chinaTime(n.closed_at),
              what: '公示结束',
              who: '',
              note: n.title,
            },
          ]
        : []),
    ]),
    ...(c.ended_at
      ? [
          {
            t: new Date(c.ended_at).getTime(),
            at: chinaTime(c.ended_at),
            what: '办结',
            who: '',
            note: ENDED[c.status] ?? c.status,
          },
        ]
      : []),
  ].sort((a, b) => a.t - b.t);
  // comments may name people: the timeline is read as the documents are (in full for those who may)
  const shown = await readCaseData(
    svc,
    who,
    c,
    rows.map(({ t: _t, ...r }) => r),
    { purpose: 'document.print', unmask: true, form: 'timeline' },
  );
  return renderArchivePdf(
    { id: c.id, title: c.title },
    layouts.map((layout) => ({ layout, verifyUrl: caseLink(origin, c.id) })),
    shown.value,
    await imagesOf(svc, layouts),
    caseLink(origin, c.id),
  );
}
