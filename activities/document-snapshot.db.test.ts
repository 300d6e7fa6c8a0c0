import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inWorker } from '../test/support/activity.js';
import { createTestDatabase, type TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { snapshotDocument } from './document-snapshot.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const run = inWorker(snapshotDocument, () => tdb.db, { caseId: 'ID-9' });
const data = { A33: 14500.5, members: [{ A5: '黄志强' }], opinion: '同意纳入监测' };

describe('snapshotDocument', () => {
  it('freezes the signed data of a step with its SHA-256, one document per case, step and form', async () => {
    const out = await run({ formKey: 'form3', formVersion: 2, stepId: 'county_approval', data });
    const sha256 = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    expect(out).toEqual({ documentId: 'ID-9:county_approval:form3', sha256 });
    expect(schemaErrors(snapshotDocument.outputSchema, out)).toEqual([]);
    const rows = async () =>
      (await tdb.db.query('SELECT case_id, step_id, form_key, form_version, data, sha256 FROM documents'))
        .rows;
    expect(await rows()).toEqual([
      { case_id: 'ID-9', step_id: 'county_approval', form_key: 'form3', form_version: 2, data, sha256 },
    ]);

    // a retry (or the step signed again) keeps one document, holding what was signed last
    const again = { ...data, opinion: '同意' };
    const out2 = await run({ formKey: 'form3', formVersion: 2, stepId: 'county_approval', data: again });
    expect(out2.documentId).toBe(out.documentId);
    expect(out2.sha256).not.toBe(sha256);
    expect(await rows()).toEqual([expect.objectContaining({ data: again, sha256: out2.sha256 })]);
  });

  it('refuses input its schema refuses', () => {
    expect(schemaErrors(snapshotDocument.inputSchema, { formKey: 'form3', stepId: 's' })).not.toEqual([]);
    expect(schemaErrors(snapshotDocument.inputSchema, { formKey: 'f', stepId: 's', data: [] })).not.toEqual(
      [],
    );
  });
});
