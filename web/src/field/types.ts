/** What the field app keeps offline: the server's bundle (`GET /api/field/today`) and the person's queued actions. */
import type { TaskView } from '../api';
import type { FormDocument } from '../../../forms/validate';

/** 入户核实记录 one photo as the verifier took it: the local blob until it is uploaded, then its attachment id */
export interface PhotoCapture {
  /** the encrypted blob in this phone's store (`blobs`), until uploaded */
  local?: string;
  attachment?: string;
  takenAt: string;
  location?: { lat: number; lng: number; accuracy: number };
  locationDeclined?: true;
}

/** the verifier's own record (form home-verification), signatures as local blob ids until uploaded */
export interface EvidenceDraft {
  unit?: string;
  visitDate?: string;
  present?: string[];
  findings?: string;
  householdConfirmed?: boolean;
  photos: PhotoCapture[];
  verifierSignature?: { local?: string; attachment?: string };
  householdSignature?: { local?: string; attachment?: string };
}

/** what another verifier already submitted for the same task (read-only) */
export interface OtherRecord {
  userId: string;
  name?: string;
  record: Record<string, unknown>;
  submittedAt?: string;
}

/** one task of the bundle as the server sends it (docs/field-app.md) */
export interface RawFieldTask {
  /** opaque token: changes when the task is reassigned, withdrawn, completed or its shared data changes */
  version: string;
  /** exactly what GET /api/tasks/{id} gives (same masking) */
  view: TaskView;
  /** the step's per-actor form (入户核实记录) */
  evidenceForm: FormDocument | null;
  /** my own earlier record (a returned task) */
  mine: Record<string, unknown> | null;
  others: OtherRecord[];
  household: Record<string, unknown> | null;
}

/** a task as the field screens use it: the task view with the bundle's extras beside it */
export type FieldTask = TaskView & {
  version: string;
  evidenceDoc: FormDocument | null;
  mine: Record<string, unknown> | null;
  others: OtherRecord[];
  household: Record<string, unknown> | null;
};

export function fieldTask(raw: RawFieldTask): FieldTask {
  return {
    ...raw.view,
    version: raw.version,
    evidenceDoc: raw.evidenceForm ?? null,
    mine: raw.mine ?? null,
    others: raw.others ?? [],
    household: raw.household ?? null,
  };
}

/** a record the server holds (attachment ids) as the screen's draft */
export function draftOf(record: Record<string, unknown> | null): EvidenceDraft | undefined {
  if (!record) return undefined;
  const att = (v: unknown) => (typeof v === 'string' ? { attachment: v } : undefined);
  return {
    ...(record as Partial<EvidenceDraft>),
    photos: ((record.photos as PhotoCapture[] | undefined) ?? []).map((p) => ({ ...p })),
    verifierSignature: att(record.verifierSignature),
    householdSignature: att(record.householdSignature),
  };
}

export interface Bundle {
  serverTime: string;
  truncated?: boolean;
  tasks: FieldTask[];
  codeLists?: unknown[];
}

/** the bundle as stored, with when this phone downloaded it */
export interface StoredBundle extends Bundle {
  downloadedAt: string;
}

/** one queued action: sent in order, leaves the queue only when the server confirmed it */
export interface QueueItem {
  /** made when the person acted (crypto.randomUUID), kept with the action: a resend is never a second submission */
  requestId: string;
  taskId: string;
  caseTitle: string;
  action: string;
  actionLabel: string;
  data?: Record<string, unknown>;
  evidence?: EvidenceDraft;
  baseVersion: string;
  createdAt: string;
  /** resumable uploads begun for local blobs: local id → server upload id / attachment id */
  uploads: Record<string, { uploadId?: string; attachmentId?: string }>;
  state: 'pending' | 'conflict' | 'refused';
  /** the server's 409 answer (both versions are shown to the person) */
  conflict?: Conflict;
  errors?: { path: string; message: string }[];
  lastError?: string;
}

export interface Conflict {
  kind: 'reassigned' | 'withdrawn' | 'completed' | 'field_changed';
  fields?: { path: string; yours: unknown; theirs: unknown }[];
  /** the task as the bundle shows it now (normalised with fieldTask), null when it is no longer mine */
  current?: FieldTask | null;
  message?: string;
}

/** 本机笔记 a version the person chose to keep as a note instead of sending it */
export interface Note {
  taskId: string;
  caseTitle: string;
  keptAt: string;
  data?: Record<string, unknown>;
  evidence?: EvidenceDraft;
  reason: string;
}
