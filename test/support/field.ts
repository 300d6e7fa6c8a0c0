/** Field work in tests: images sent by the resumable upload, and one verifier's 入户核实记录 (evidence). */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ApiClient } from './app.js';
import { saveAttachment } from '../../server/services/attachments.js';
import { loadPrincipal } from '../../server/services/principal.js';

/** a 2×2 red PNG */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Upload an image through POST/PUT /api/uploads in one chunk; the attachment id. */
export async function uploadImage(
  c: ApiClient,
  bytes: Buffer = PNG,
  fileName = 'photo.png',
): Promise<string> {
  const start = await c.post('/api/uploads', {
    fileName,
    contentType: 'image/png',
    size: bytes.length,
    sha256: sha256(bytes),
  });
  if (start.status !== 201) throw new Error(`upload: ${start.status} ${JSON.stringify(start.body)}`);
  const put = await c.put(`/api/uploads/${start.body.id}`, bytes, { 'upload-offset': '0' });
  if (put.status !== 200 || !put.body.attachmentId)
    throw new Error(`upload chunk: ${put.status} ${JSON.stringify(put.body)}`);
  return put.body.attachmentId;
}

/** One verifier's record: a photo with its place, their signature and the household head's. */
export function verificationRecord(
  ids: { photo: string; verifierSignature: string; householdSignature: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    unit: '云集街道干部',
    visitDate: '2026-11-20',
    present: ['户主'],
    findings: '入户查看住房与收入情况，与申请一致',
    householdConfirmed: true,
    photos: [
      {
        attachment: ids.photo,
        takenAt: '2026-11-20T09:30:00+08:00',
        location: { lat: 26.79, lng: 112.61, accuracy: 12 },
      },
    ],
    verifierSignature: ids.verifierSignature,
    householdSignature: ids.householdSignature,
    ...extra,
  };
}

/** A verifier's record with images uploaded over the API as that verifier. */
export async function evidenceVia(c: ApiClient, extra: Record<string, unknown> = {}) {
  const [photo, verifierSignature, householdSignature] = [
    await uploadImage(c),
    await uploadImage(c, PNG, 'signature.png'),
    await uploadImage(c, PNG, 'household.png'),
  ];
  return verificationRecord({ photo, verifierSignature, householdSignature }, extra);
}

/** The same, stored directly through the attachment service (scenario tests that act through services). */
export async function evidenceFor(db: pg.Pool, userId: string, extra: Record<string, unknown> = {}) {
  const who = (await loadPrincipal(db, userId))!;
  const save = async () => (await saveAttachment(db, who, 'image/png', PNG)).id;
  return verificationRecord(
    { photo: await save(), verifierSignature: await save(), householdSignature: await save() },
    extra,
  );
}
