/**
 * 待同步 the queue of what the verifier did offline, and the sync that sends it: in the order the person
 * acted, photos and signatures first by resumable upload (`/api/uploads`, resuming from the server's offset),
 * then `POST /api/tasks/{id}/complete` with the action's own requestId and the bundle's version as
 * `baseVersion`. An item leaves the queue only when the server confirmed it; a resend after a lost answer is
 * harmless (the server answers a known requestId with its first result). A 409 conflict stays in the queue,
 * with both versions, until the person chooses.
 */
import { entries, get, getBlob, put, remove } from './store';
import { fieldTask, type Conflict, type EvidenceDraft, type QueueItem, type RawFieldTask } from './types';

const CHUNK = 256 * 1024;

export interface Progress {
  /** position of the item being sent (1-based) and how many are queued */
  index: number;
  total: number;
  phase: 'upload' | 'submit' | 'done';
  /** bytes of the current file sent / its size */
  sent?: number;
  size?: number;
  caseTitle?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.title ?? `请求失败（${status}）`));
  }
}

async function call<T>(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const csrf = sessionStorage.getItem('zx-csrf') ?? '';
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...headers, ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}) },
    body,
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) throw new HttpError(res.status, json);
  return json as T;
}

const json = (v: unknown) => ({ body: JSON.stringify(v), headers: { 'content-type': 'application/json' } });

export async function enqueue(item: QueueItem): Promise<void> {
  await put('queue', undefined, item);
}

export const queued = () => entries<QueueItem>('queue');

export async function updateItem(seq: IDBValidKey, item: QueueItem) {
  await put('queue', seq, item);
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** one local blob to an attachment id, resuming an upload begun earlier (the upload id is kept in the queue) */
/** where an upload's progress is kept: a queued item (persisted), or memory (the staff task page online) */
interface UploadBook {
  uploads: QueueItem['uploads'];
  save(): Promise<void>;
}

async function upload(
  book: UploadBook,
  local: string,
  name: string,
  onBytes: (sent: number, size: number) => void,
): Promise<string> {
  const known = book.uploads[local];
  if (known?.attachmentId) return known.attachmentId;
  const blob = await getBlob(local);
  if (!blob) throw new Error('本机找不到这张照片或签名（可能已被清除），请重新拍摄或签名');
  const bytes = await blob.arrayBuffer();
  let uploadId = known?.uploadId;
  let offset = 0;
  if (uploadId) {
    // resume: the server says how much it already has
    const state = await call<{ offset: number; attachmentId?: string }>(
      'GET',
      `/api/uploads/${uploadId}`,
    ).catch((e: unknown) => {
      if (e instanceof HttpError && e.status === 404) return undefined; // expired: start again
      throw e;
    });
    if (state?.attachmentId) return keep(state.attachmentId);
    if (state) offset = state.offset;
    else uploadId = undefined;
  }
  if (!uploadId) {
    const made = await call<{ id: string; offset: number }>(
      'POST',
      '/api/uploads',
      ...spread(
        json({
          fileName: name,
          contentType: blob.type || 'image/jpeg',
          size: bytes.byteLength,
          sha256: await sha256(bytes),
        }),
      ),
    );
    uploadId = made.id;
    offset = made.offset ?? 0;
    book.uploads[local] = { uploadId };
    await book.save();
  }
  while (offset < bytes.byteLength) {
    onBytes(offset, bytes.byteLength);
    try {
      const r = await call<{ offset: number; attachmentId?: string }>(
        'PUT',
        `/api/uploads/${uploadId}`,
        bytes.slice(offset, offset + CHUNK),
        { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
      );
      offset = r.offset;
      if (r.attachmentId) return keep(r.attachmentId);
    } catch (e) {
      // the server holds a different offset (a chunk whose answer was lost): continue from the server's
      const theirs = e instanceof HttpError ? Number(e.body.offset) : NaN;
      if (e instanceof HttpError && e.status === 409 && Number.isFinite(theirs)) offset = theirs;
      else throw e;
    }
  }
  onBytes(bytes.byteLength, bytes.byteLength);
  const done = await call<{ offset: number; attachmentId?: string }>('GET', `/api/uploads/${uploadId}`);
  if (!done.attachmentId) throw new Error('上传未完成，稍后重试');
  return keep(done.attachmentId);

  async function keep(attachmentId: string) {
    book.uploads[local] = { uploadId, attachmentId };
    await book.save();
    return attachmentId;
  }
}

function spread(r: { body: string; headers: Record<string, string> }): [string, Record<string, string>] {
  return [r.body, r.headers];
}

/** the record as the server takes it: every photo and signature as an attachment id */
export async function evidenceBody(
  book: UploadBook,
  ev: EvidenceDraft,
  onBytes: (name: string) => (sent: number, size: number) => void,
): Promise<Record<string, unknown>> {
  const att = async (x: { local?: string; attachment?: string } | undefined, name: string) =>
    x?.attachment ?? (x?.local ? await upload(book, x.local, name, onBytes(name)) : undefined);
  const photos = [];
  for (const [i, p] of ev.photos.entries()) {
    photos.push({
      attachment: await att(p, `photo-${i + 1}.jpg`),
      takenAt: p.takenAt,
      ...(p.location ? { location: p.location } : { locationDeclined: true as const }),
    });
  }
  const verifierSignature = await att(ev.verifierSignature, 'verifier-signature.png');
  const householdSignature = await att(ev.householdSignature, 'household-signature.png');
  const { unit, visitDate, present, findings, householdConfirmed } = ev;
  return Object.fromEntries(
    Object.entries({
      unit,
      visitDate,
      present: present?.filter((p) => p.trim()),
      findings,
      householdConfirmed,
      photos,
      verifierSignature,
      householdSignature,
    }).filter(([, v]) => v !== undefined),
  );
}

let running: Promise<void> | undefined;

/**
 * Send the queue in order. Stops at the first network failure (the rest waits for the next try);
 * an item the server refused or that conflicts stays, marked, and the items after it go on.
 */
export function syncNow(onProgress: (p: Progress) => void): Promise<void> {
  running ??= (async () => {
    try {
      const items = await queued();
      const pending = items.filter(([, it]) => it.state === 'pending');
      for (const [i, [seq, item]] of pending.entries()) {
        const base = { index: i + 1, total: pending.length, caseTitle: item.caseTitle };
        try {
          const evidence = item.evidence
            ? await evidenceBody(
                { uploads: item.uploads, save: () => updateItem(seq, item) },
                item.evidence,
                () => (sent, size) => onProgress({ ...base, phase: 'upload', sent, size }),
              )
            : undefined;
          onProgress({ ...base, phase: 'submit' });
          await call(
            'POST',
            `/api/tasks/${item.taskId}/complete`,
            ...spread(
              json({
                requestId: item.requestId,
                action: item.action,
                data: item.data,
                evidence,
                baseVersion: item.baseVersion,
              }),
            ),
          );
          // confirmed by the server: only now does it leave this phone (with its photos and signatures)
          await remove('queue', seq);
          for (const local of localBlobs(item)) await remove('blobs', local);
          await put('kv', `sent:${item.taskId}`, { at: new Date().toISOString(), action: item.actionLabel });
        } catch (e) {
          if (!(e instanceof HttpError)) {
            item.lastError = '网络中断，恢复网络后继续同步';
            await updateItem(seq, item);
            throw e;
          }
          if (e.status === 409 && e.body.conflict) {
            item.state = 'conflict';
            const c = e.body.conflict as Conflict & { current?: RawFieldTask | null };
            item.conflict = {
              ...c,
              current: c.current ? fieldTask(c.current) : null,
              message: String(e.body.message ?? e.body.title ?? ''),
            };
          } else if (e.status === 401) {
            item.lastError = '登录已过期：请重新登录后同步（待同步内容仍在本机）';
            await updateItem(seq, item);
            throw e;
          } else if (e.status >= 500 || e.status === 429) {
            item.lastError = `服务器暂时无法处理（${e.status}），稍后重试`;
            await updateItem(seq, item);
            throw e;
          } else {
            item.state = 'refused';
            item.lastError = String(e.body.title ?? e.message);
            item.errors = (e.body.errors as QueueItem['errors']) ?? [];
          }
          await updateItem(seq, item);
        }
      }
      onProgress({ index: pending.length, total: pending.length, phase: 'done' });
    } finally {
      running = undefined;
    }
  })();
  return running;
}

export function localBlobs(item: { evidence?: EvidenceDraft }): string[] {
  const ev = item.evidence;
  if (!ev) return [];
  return [...ev.photos.map((p) => p.local), ev.verifierSignature?.local, ev.householdSignature?.local].filter(
    (x): x is string => Boolean(x),
  );
}

/** take an item out of the queue; its photos and signatures too, unless they go back into a draft */
export async function dropItem(seq: IDBValidKey, opts: { keepBlobs?: boolean } = {}) {
  const item = await get<QueueItem>('queue', seq);
  await remove('queue', seq);
  if (!opts.keepBlobs) for (const local of item ? localBlobs(item) : []) await remove('blobs', local);
}

/**
 * The staff task page online: the record's photos and signatures (kept encrypted on this device) uploaded
 * by the same resumable upload, the record returned with attachment ids. `uploads` survives a failed try.
 */
export async function uploadRecord(
  ev: EvidenceDraft,
  uploads: QueueItem['uploads'],
): Promise<Record<string, unknown>> {
  return evidenceBody({ uploads, save: async () => {} }, ev, () => () => {});
}

/** after the server confirmed: the record's local photos and signatures leave this device */
export async function forgetRecord(ev: EvidenceDraft | undefined): Promise<void> {
  for (const local of localBlobs({ evidence: ev })) await remove('blobs', local);
}
