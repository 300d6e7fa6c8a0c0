/**
 * 外业 field work offline, the server half (issue 21), on the real app (Temporal dev server, PostgreSQL, HTTP):
 * the bundle a verifier downloads, the key of the phone's store, resumable uploads, two verifiers each
 * submitting their own 入户核实记录, and what an offline submission finds when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, collection, peopleOf } from '../support/demo.js';
import { openTask, until } from '../support/notice-case.js';
import { evidenceVia, PNG, sha256, uploadImage } from '../support/field.js';
import { sweepAbandonedUploads, UPLOAD_RETENTION_DAYS } from '../../server/services/uploads.js';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

async function pdfPages(pdf: Buffer): Promise<{ text: string; images: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('');
    const ops = await page.getOperatorList();
    pages.push({ text, images: ops.fnArray.filter((f) => f === OPS.paintImageXObject).length });
  }
  return pages;
}

let app: TestApp;
let v1: ApiClient;
let v2: ApiClient;

async function startCase(hid: string): Promise<{ caseId: string; taskId: string }> {
  const p = peopleOf(hid);
  const cadre = await app.as(p.cadre);
  const started = await cadre.post('/api/cases', {
    process: 'identification',
    org: p.village,
    subject: { id: hid },
    requestId: `field-${hid}`,
    data: application(hid),
  });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  const task = await openTask(app, started.body.id, 'verify');
  return { caseId: started.body.id, taskId: task.id };
}

const bundleTask = async (c: ApiClient, taskId: string) => {
  const r = await c.get('/api/field/today');
  expect(r.status).toBe(200);
  return r.body.tasks.find((t: { view: { task: { id: string } } }) => t.view.task.id === taskId);
};

const actionsOf = async (taskId: string) =>
  (await app.tdb.db.query('SELECT actor_id FROM task_actions WHERE task_id = $1', [taskId])).rows.map(
    (r) => r.actor_id,
  );

beforeAll(async () => {
  app = await createTestApp();
  v1 = await app.as('verifier1.yunji');
  v2 = await app.as('verifier2.yunji');
});
afterAll(async () => {
  await app?.close();
});

describe('the offline bundle', () => {
  it('holds my open verification as the task page shows it, with household, code lists, version and clock', async () => {
    const { taskId } = await startCase('HH-0005');
    const r = await v1.get('/api/field/today');
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.serverTime)).not.toBeNaN();
    const t = r.body.tasks.find((x: any) => x.view.task.id === taskId);
    expect(t).toBeDefined();
    expect(t.version).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // what GET /api/tasks/{id} gives, the same masking included
    const page = await v1.get(`/api/tasks/${taskId}`);
    expect(t.view.form).toEqual(page.body.form);
    expect(t.view.initialData).toEqual(page.body.initialData);
    expect(t.view.evidence).toEqual(page.body.evidence);
    expect(t.view.actions.map((a: { id: string }) => a.id)).toEqual(['submit', 'reject']);
    // the earlier document (附件1) is masked as on the task page: no full ID number of the household head
    const application1 = t.view.evidence.documents.find(
      (d: { formKey: string }) => d.formKey === 'application',
    );
    expect(application1).toBeDefined();
    expect(JSON.stringify(application1.data)).not.toContain(application('HH-0005').idNumber);
    expect(t.household.household.id).toBe('HH-0005');
    expect(t.evidenceForm.key).toBe('home-verification');
    expect(t.others).toEqual([]);
    expect(t.mine).toBeNull();
    expect(r.body.codeLists.map((l: { key: string }) => l.key)).toContain('relations');
    // someone without the role at this township does not get it
    const cadre = await app.as('cadre.zhushan');
    const other = await cadre.get('/api/field/today');
    expect(other.status).toBe(200);
    expect(other.body.tasks.map((x: any) => x.view.task.id)).not.toContain(taskId);
  });
});

describe('the key of the offline store', () => {
  it('is one random 256-bit key per login session, and gone after logout', async () => {
    const a = await app.as('verifier1.yunji');
    const k1 = await a.get('/api/field/key');
    expect(k1.status).toBe(200);
    expect(Buffer.from(k1.body.key, 'base64')).toHaveLength(32);
    expect((await a.get('/api/field/key')).body.key).toBe(k1.body.key);
    const b = await app.as('verifier1.yunji');
    const k2 = await b.get('/api/field/key');
    expect(k2.body.key).not.toBe(k1.body.key);
    expect((await a.post('/api/auth/logout', {})).status).toBeLessThan(300);
    expect((await a.get('/api/field/key')).status).toBe(401);
    const left = await app.tdb.db.query('SELECT field_key FROM sessions WHERE field_key IS NOT NULL');
    const keys = left.rows.map((r) => (r.field_key as Buffer).toString('base64'));
    expect(keys).not.toContain(k1.body.key);
    expect(keys).toContain(k2.body.key);
    expect((await a.get('/api/field/key')).status).toBe(401);
    expect((await app.anonymous().get('/api/field/key')).status).toBe(401);
  });
});

describe('resumable uploads', () => {
  const image = Buffer.concat([PNG, Buffer.alloc(4000, 7)]);
  const start = (c: ApiClient, over: Record<string, unknown> = {}) =>
    c.post('/api/uploads', {
      fileName: 'door.png',
      contentType: 'image/png',
      size: image.length,
      sha256: sha256(image),
      ...over,
    });

  it('resumes after a cut: half sent, the offset asked, the rest sent; a resent chunk is harmless', async () => {
    const s = await start(v1);
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ offset: 0, size: image.length });
    const half = 2000;
    expect(
      (await v1.put(`/api/uploads/${s.body.id}`, image.subarray(0, half), { 'upload-offset': '0' })).body,
    ).toMatchObject({ offset: half });
    // the connection dropped: the phone asks where to go on
    const at = await v1.get(`/api/uploads/${s.body.id}`);
    expect(at.body).toMatchObject({ offset: half, size: image.length });
    expect(at.body.attachmentId).toBeUndefined();
    // the first chunk again (its answer was lost): refused with the server's offset, nothing appended
    const again = await v1.put(`/api/uploads/${s.body.id}`, image.subarray(0, half), {
      'upload-offset': '0',
    });
    expect(again.status).toBe(409);
    expect(again.body.offset).toBe(half);
    expect((await v1.get(`/api/uploads/${s.body.id}`)).body.offset).toBe(half);
    const rest = await v1.put(`/api/uploads/${s.body.id}`, image.subarray(half), {
      'upload-offset': String(half),
    });
    expect(rest.status).toBe(200);
    expect(rest.body.attachmentId).toMatch(/^att_[0-9a-f]{32}$/);
    // the last chunk again: the same attachment, not a second one
    const last = await v1.put(`/api/uploads/${s.body.id}`, image.subarray(half), {
      'upload-offset': String(half),
    });
    expect(last.body.attachmentId).toBe(rest.body.attachmentId);
    const n = await app.tdb.db.query('SELECT count(*)::int AS n FROM attachments WHERE sha256 = $1', [
      sha256(image),
    ]);
    expect(n.rows[0].n).toBe(1);
    // read back through the API as its uploader: the same bytes
    const read = await fetch(`${app.url}/api/attachments/${rest.body.attachmentId}`, {
      headers: { cookie: v1.cookie! },
    });
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(image)).toBe(true);
    // nobody else sees the upload
    expect((await v2.get(`/api/uploads/${s.body.id}`)).status).toBe(404);
  });

  it('refuses a file whose SHA-256 does not match, and starts it over at 0', async () => {
    const s = await start(v1, { sha256: sha256(Buffer.from('something else')) });
    const r = await v1.put(`/api/uploads/${s.body.id}`, image, { 'upload-offset': '0' });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe('sha256');
    expect(r.body.errors[0].message).toMatch(/校验值/);
    expect((await v1.get(`/api/uploads/${s.body.id}`)).body).toMatchObject({ offset: 0 });
    expect(
      (
        await app.tdb.db.query('SELECT count(*)::int AS n FROM attachments WHERE sha256 = $1', [
          sha256(image),
        ])
      ).rows[0].n,
    ).toBe(1);
  });

  it('keeps the limits of /api/attachments: type, size, image bytes', async () => {
    const big = await start(v1, { size: 5 * 1024 * 1024 + 1 });
    expect(big.status).toBe(422);
    expect(big.body.errors.map((e: { path: string }) => e.path)).toEqual(['size']);
    const pdf = await start(v1, { contentType: 'application/pdf' });
    expect(pdf.status).toBe(422);
    expect(pdf.body.errors.map((e: { path: string }) => e.path)).toEqual(['contentType']);
    const text = Buffer.from('not an image at all');
    const fake = await start(v1, { size: text.length, sha256: sha256(text) });
    const r = await v1.put(`/api/uploads/${fake.body.id}`, text, { 'upload-offset': '0' });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe('file');
    // a chunk past the announced size changes nothing
    const s = await start(v1);
    const over = await v1.put(`/api/uploads/${s.body.id}`, Buffer.concat([image, PNG]), {
      'upload-offset': '0',
    });
    expect(over.status).toBe(422);
    expect((await v1.get(`/api/uploads/${s.body.id}`)).body.offset).toBe(0);
    // a citizen-facing role without case work may not upload
    const secadmin = await app.as('secadmin');
    expect((await start(secadmin)).status).toBe(403);
  });

  it('sweeps an upload left unfinished for longer than the retention period; a recent one and a finished one stay', async () => {
    const half = 2000;
    const partly = async () => {
      const s = await start(v1);
      await v1.put(`/api/uploads/${s.body.id}`, image.subarray(0, half), { 'upload-offset': '0' });
      return s.body.id as string;
    };
    const abandoned = await partly();
    const recent = await partly();
    const finished = (await start(v1)).body.id as string;
    const attachmentId = (await v1.put(`/api/uploads/${finished}`, image, { 'upload-offset': '0' })).body
      .attachmentId;
    expect(attachmentId).toMatch(/^att_/);
    // the abandoned one had its last chunk a day past the retention period; the finished one is as old
    await app.tdb.db.query(
      `UPDATE uploads SET updated_at = now() - make_interval(days => $2) WHERE id = ANY($1)`,
      [[abandoned, finished], UPLOAD_RETENTION_DAYS + 1],
    );
    expect(await sweepAbandonedUploads(app.tdb.db)).toEqual({ swept: [abandoned] });
    expect(await sweepAbandonedUploads(app.tdb.db)).toEqual({ swept: [] });
    const left = await app.tdb.db.query('SELECT id FROM uploads WHERE id = ANY($1) ORDER BY id', [
      [abandoned, recent, finished],
    ]);
    expect(left.rows.map((r) => r.id)).toEqual([recent, finished].sort());

    // the phone comes back and resumes the swept upload: told it is gone, to start again
    const resumed = await v1.put(`/api/uploads/${abandoned}`, image.subarray(half), {
      'upload-offset': String(half),
    });
    expect(resumed.status).toBe(404);
    expect(resumed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(resumed.body).toMatchObject({
      code: 'not_found',
      title: '上传不存在或已过期，请重新上传',
      title_en: 'no such upload (or it expired): start the upload again',
    });
    expect((await v1.get(`/api/uploads/${abandoned}`)).status).toBe(404);
    // the recent one resumes where it was; the finished one still answers with its attachment
    expect((await v1.get(`/api/uploads/${recent}`)).body.offset).toBe(half);
    const rest = await v1.put(`/api/uploads/${recent}`, image.subarray(half), {
      'upload-offset': String(half),
    });
    expect(rest.body.attachmentId).toMatch(/^att_/);
    expect((await v1.get(`/api/uploads/${finished}`)).body.attachmentId).toBe(attachmentId);
  });
});

describe('two verifiers, two phones', () => {
  let caseId = '';
  let taskId = '';
  let firstAnswer: unknown;
  let firstBody: Record<string, unknown> = {};

  it('each submits their own record offline; the step completes once, with both records', async () => {
    ({ caseId, taskId } = await startCase('HH-0001'));
    // both download before going out
    const b1 = await bundleTask(v1, taskId);
    const b2 = await bundleTask(v2, taskId);
    const e1 = await evidenceVia(v1);
    const e2 = await evidenceVia(v2, {
      photos: [
        {
          attachment: await uploadImage(v2),
          takenAt: '2026-11-20T09:40:00+08:00',
          locationDeclined: true,
        },
      ],
    });
    // without one's own record the step refuses, changing nothing
    const missing = await v1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'v1-missing',
      action: 'submit',
      data: collection('HH-0001'),
      baseVersion: b1.version,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['evidence']);
    const noPlace = await v1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'v1-noplace',
      action: 'submit',
      data: collection('HH-0001'),
      evidence: {
        ...e1,
        photos: [{ attachment: (e1.photos as any)[0].attachment, takenAt: '2026-11-20T09:30:00+08:00' }],
      },
      baseVersion: b1.version,
    });
    expect(noPlace.status).toBe(422);
    expect(noPlace.body.errors.map((e: { path: string }) => e.path)).toContain('evidence.photos');
    expect(await actionsOf(taskId)).toEqual([]);

    firstBody = {
      requestId: 'v1-submit',
      action: 'submit',
      data: collection('HH-0001'),
      evidence: e1,
      baseVersion: b1.version,
    };
    const first = await v1.post(`/api/tasks/${taskId}/complete`, firstBody);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    firstAnswer = first.body;
    // the other verifier, before going out again, sees what the first one submitted
    const seen = await bundleTask(v2, taskId);
    expect(seen.others).toHaveLength(1);
    expect(seen.others[0]).toMatchObject({ name: '黄秀英', record: { findings: e1.findings } });
    expect(seen.version).not.toBe(b2.version);

    // the second comes back with the version of the morning: the same 附件2 values, no conflict
    const second = await v2.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'v2-submit',
      action: 'submit',
      data: collection('HH-0001'),
      evidence: e2,
      baseVersion: b2.version,
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    await openTask(app, caseId, 'village_review');
    const verify = await app.tdb.db.query(
      `SELECT status FROM tasks WHERE case_id = $1 AND step_id = 'verify'`,
      [caseId],
    );
    expect(verify.rows.map((r) => r.status)).toEqual(['completed']);
    const data = (await app.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data;
    const byActor = data.homeVerification.byActor;
    expect(Object.keys(byActor)).toHaveLength(2);
    expect(Object.values(byActor).map((r: any) => r.verifierSignature)).toEqual(
      expect.arrayContaining([e1.verifierSignature, e2.verifierSignature]),
    );
    expect(Object.values(byActor).some((r: any) => r.photos[0].locationDeclined === true)).toBe(true);
    expect((await actionsOf(taskId)).sort()).toHaveLength(2);
  });

  it('answers a resend of the same requestId with the first result, never a second submission', async () => {
    const before = await actionsOf(taskId);
    // the phone never saw the answer and sends the queued action again, after the step has moved on
    const again = await v1.post(`/api/tasks/${taskId}/complete`, firstBody);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(firstAnswer);
    expect(await actionsOf(taskId)).toEqual(before);
  });

  it('puts both records — photos with time and place, signatures, who was present — in the documents and the PDF', async () => {
    const bureau = await app.as('bureau');
    // the print view's layout: one section per verifier, their photos as a table, their signatures
    const view = await bureau.get(`/api/cases/${caseId}/documents/home-verification`);
    expect(view.status).toBe(200);
    expect(view.body.layout.title).toBe('入户核实记录');
    const tables = view.body.layout.blocks.filter((b: { kind: string }) => b.kind === 'table');
    expect(tables).toHaveLength(2);
    expect(tables.flatMap((t: any) => t.rows.map((r: any) => r[3].text))).toEqual(
      expect.arrayContaining([
        '拒绝提供位置',
        expect.stringMatching(/^北纬 26\.79000，东经 112\.61000（±12 米）$/),
      ]),
    );
    const signed = view.body.layout.blocks
      .filter((b: { kind: string }) => b.kind === 'opinion')
      .flatMap((b: any) => b.signers.filter((x: any) => x.signature));
    expect(signed).toHaveLength(4);

    const pdf = await fetch(`${app.url}/api/cases/${caseId}/documents/home-verification.pdf`, {
      headers: { cookie: bureau.cookie! },
    });
    expect(pdf.status).toBe(200);
    const pages = await pdfPages(Buffer.from(await pdf.arrayBuffer()));
    const text = pages.map((p) => p.text).join('');
    for (const s of [
      '入户核实记录',
      '黄秀英',
      '马文斌',
      '户主',
      '2026-11-20 09:30',
      '拒绝提供位置',
      '北纬 26.79000',
    ])
      expect(text).toContain(s);
    // two photos and four handwritten signatures (each verifier's and the household head's, twice), plus the
    // verification QR code
    expect(pages.reduce((n, p) => n + p.images, 0)).toBe(2 + 4 + 1);
    // the case archive holds the record right after 附件2
    const archive = await fetch(`${app.url}/api/cases/${caseId}/archive.pdf`, {
      headers: { cookie: bureau.cookie! },
    });
    const all = (await pdfPages(Buffer.from(await archive.arrayBuffer()))).map((p) => p.text).join('');
    expect(all.indexOf('入户核实记录')).toBeGreaterThan(all.indexOf('防止返贫监测对象信息采集表'));
  });
});

describe('coming back online after a change', () => {
  it('a field both verifiers changed: 409 with both versions, nothing changed; resent with the choice it goes through', async () => {
    const { taskId } = await startCase('HH-0013');
    const b1 = await bundleTask(v1, taskId);
    const b2 = await bundleTask(v2, taskId);
    const first = await v1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'c-v1',
      action: 'submit',
      data: collection('HH-0013', { A28: 60000 }),
      evidence: await evidenceVia(v1),
      baseVersion: b1.version,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const e2 = await evidenceVia(v2);
    const clash = await v2.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'c-v2',
      action: 'submit',
      data: collection('HH-0013', { A28: 70000 }),
      evidence: e2,
      baseVersion: b2.version,
    });
    expect(clash.status, JSON.stringify(clash.body).slice(0, 400)).toBe(409);
    expect(clash.headers.get('content-type')).toMatch(/problem\+json/);
    expect(clash.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(clash.body.message_en).toMatch(/changed/);
    expect(clash.body.conflict.kind).toBe('field_changed');
    expect(clash.body.conflict.fields).toContainEqual({ path: 'A28', yours: 70000, theirs: 60000 });
    expect(clash.body.conflict.current.view.task.id).toBe(taskId);
    expect(clash.body.conflict.current.version).not.toBe(b2.version);
    expect(await actionsOf(taskId)).toHaveLength(1);
    // v2 keeps the other verifier's value and sends again against the current version
    const resolved = await v2.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'c-v2-resolved',
      action: 'submit',
      data: collection('HH-0013', { A28: 60000 }),
      evidence: e2,
      baseVersion: clash.body.conflict.current.version,
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(await actionsOf(taskId)).toHaveLength(2);
  });

  it('a task reassigned while the verifier was offline: 409 reassigned with the task as it is now', async () => {
    const p = peopleOf('HH-0007');
    const w1 = await app.as(p.verifiers[0]);
    const w2 = await app.as(p.verifiers[1]);
    const { taskId } = await startCase('HH-0007');
    const b1 = await bundleTask(w1, taskId);
    const e1 = await evidenceVia(w1);
    // meanwhile the other verifier claims the task
    const claim = await w2.post(`/api/tasks/${taskId}/claim`, { requestId: 'claim-1' });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    await until(
      async () =>
        (await app.tdb.db.query('SELECT assignee_user FROM tasks WHERE id = $1', [taskId])).rows[0]
          .assignee_user ?? undefined,
      'claimed',
    );
    const r = await w1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'r-w1',
      action: 'submit',
      data: collection('HH-0007', { A28: 50000 }),
      evidence: e1,
      baseVersion: b1.version,
    });
    expect(r.status).toBe(409);
    expect(r.body.conflict.kind).toBe('reassigned');
    expect(r.body.conflict.current.view.task.assigneeUser).toBeTruthy();
    expect(r.body.conflict.current.version).not.toBe(b1.version);
    expect(await actionsOf(taskId)).toEqual([]);
    const data = (
      await app.tdb.db.query(`SELECT data FROM cases c JOIN tasks t ON t.case_id = c.id WHERE t.id = $1`, [
        taskId,
      ])
    ).rows[0].data;
    expect(data.homeVerification).toBeUndefined();
  });

  it('keeps what the other verifier entered in fields this one did not touch (no conflict, nothing lost)', async () => {
    // HH-0005's verification is still open from the bundle test: both verifiers took it offline there
    const taskId = (
      await app.tdb.db.query(
        `SELECT t.id FROM tasks t JOIN cases c ON c.id = t.case_id WHERE c.subject_id = 'HH-0005' AND t.step_id = 'verify' AND t.status = 'open'`,
      )
    ).rows[0].id;
    // the paper entries typed in at the office the day before (the task's draft): both phones start from them
    expect((await v1.post(`/api/tasks/${taskId}/draft`, { data: collection('HH-0005') })).status).toBe(200);
    const b1 = await bundleTask(v1, taskId);
    const b2 = await bundleTask(v2, taskId);
    expect(b2.view.initialData.A28).toBe(collection('HH-0005').A28);
    const first = await v1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'm-v1',
      action: 'submit',
      data: collection('HH-0005', { A28: 61000 }),
      evidence: await evidenceVia(v1),
      baseVersion: b1.version,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    // v2 changed only 生产经营性收入 offline; its copy still holds the morning's 工资性收入
    const mine = { ...b2.view.initialData, A29: 4321 };
    const second = await v2.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'm-v2',
      action: 'submit',
      data: mine,
      evidence: await evidenceVia(v2),
      baseVersion: b2.version,
    });
    expect(second.status, JSON.stringify(second.body).slice(0, 400)).toBe(200);
    const data = (
      await app.tdb.db.query(`SELECT c.data FROM cases c JOIN tasks t ON t.case_id = c.id WHERE t.id = $1`, [
        taskId,
      ])
    ).rows[0].data;
    expect(data.collection).toMatchObject({ A28: 61000, A29: 4321 });
  });

  it('a case withdrawn while the verifier was offline: 409 withdrawn, nothing recorded', async () => {
    const p = peopleOf('HH-0010');
    const w1 = await app.as(p.verifiers[0]);
    const { caseId, taskId } = await startCase('HH-0010');
    const b1 = await bundleTask(w1, taskId);
    const cadre = await app.as(p.cadre);
    const withdrawn = await cadre.post(`/api/cases/${caseId}/withdraw`, {
      requestId: 'wd-1',
      comment: '农户撤回申请',
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const r = await w1.post(`/api/tasks/${taskId}/complete`, {
      requestId: 'wd-w1',
      action: 'submit',
      data: collection('HH-0010'),
      evidence: await evidenceVia(w1),
      baseVersion: b1.version,
    });
    expect(r.status).toBe(409);
    expect(r.body.conflict.kind).toBe('withdrawn');
    expect(r.body.message).toContain('撤回');
    expect(await actionsOf(taskId)).toEqual([]);
  });
});
