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

export type FieldTask = TaskView & {
  /** opaque token: changes when the task is reassigned, withdrawn, completed or its shared data changes */
  version: string;
  household?: Record<string, unknown>;
  evidence?: TaskView['evidence'] & {
    form?: { key: string; version: number; document: FormDocument | null };
  };
  evidenceForm?: { key: string; version: number; document: FormDocument | null };
  others?: OtherRecord[];
};

export interface Bundle {
  serverTime: string;
  tasks: FieldTask[];
  codeLists?: Record<string, unknown>;
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
  current?: FieldTask;
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
