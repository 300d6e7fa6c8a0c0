/**
 * Replay: histories recorded from real runs of each scenario replay against
 * the current workflow code without nondeterminism. A change that breaks this
 * needs `patched()` (see workflows/README.md).
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, CODEC_KEYS, type Harness } from '../support/engine.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';
import { identification } from './fixtures.js';

const DAY = 86_400_000;
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function open(caseId: string, n = 1) {
  return h.until(async () => {
    const t = await h.openTasks(caseId);
    return t.length >= n ? t : undefined;
  }, `${n} open tasks`);
}

describe('replay', () => {
  it('replays recorded histories of the identification scenarios without nondeterminism', async () => {
    const ids: string[] = [];
    // happy path: apply → 2 verifiers → 7-day notice → both township leaders approve
    const a = await h.start(identification);
    ids.push(a);
    await h.act(a, (await open(a))[0].id, 'cadre1', 'submit');
    const [verify] = await open(a);
    await h.act(a, verify.id, 'ver1', 'submit');
    await h.act(a, verify.id, 'ver2', 'submit');
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await open(a, 2)) await h.act(a, t.id, t.assignee_user!, 'approve');
    expect((await h.caseRow(a)).status).toBe('approved');

    // rejected at verification
    const b = await h.start(identification);
    ids.push(b);
    await h.act(b, (await open(b))[0].id, 'cadre1', 'submit');
    await h.act(b, (await open(b))[0].id, 'ver1', 'reject', { comment: '不符合条件' });
    expect((await h.caseRow(b)).status).toBe('rejected');

    const histories = await Promise.all(ids.map(async (workflowId) => ({ workflowId, history: await h.env.client.workflow.getHandle(workflowId).fetchHistory() })));
    const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle(), dataConverter: dataConverter(CODEC_KEYS) }, histories);
    let replayed = 0;
    for await (const r of results) {
      expect(r.error, `${r.workflowId}: ${r.error?.message}`).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(2);
  });
});

describe('personal data in Temporal histories', () => {
  it('stores no plaintext ID number or name in the case history (payloads are AES-GCM encrypted)', async () => {
    const idNumber = '430422199001011234';
    const c = await h.start(identification, { data: { application: { name: '王小明', idNumber } } });
    const [apply] = await open(c);
    await h.act(c, apply.id, 'cadre1', 'submit', { data: { name: '王小明', idNumber, phone: '13812345678' } });
    const history = await h.env.client.workflow.getHandle(c).fetchHistory();
    const raw = allBytes(history);
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw.includes(idNumber)).toBe(false);
    expect(raw.includes(Buffer.from('13812345678'))).toBe(false);
    expect(raw.includes(Buffer.from('王小明'))).toBe(false);
    // the same history, decoded with the key, does contain it: the test would notice a codec that drops data
    expect(JSON.stringify(await h.state(c))).toContain(idNumber);
  });
});

/** Every byte string in a history (payload data and metadata), concatenated. */
function allBytes(v: unknown, out: Buffer[] = []): Buffer {
  if (v instanceof Uint8Array) out.push(Buffer.from(v));
  else if (typeof v === 'string') out.push(Buffer.from(v));
  else if (Array.isArray(v)) v.forEach((x) => allBytes(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allBytes(x, out));
  return Buffer.concat(out);
}
