/**
 * Replay safety: every history committed in test/workflows/histories/ was recorded by RELEASED workflow code
 * (one folder per release, see workflows/README.md) and must replay against the CURRENT workflow bundle
 * without nondeterminism. A change that alters the commands an old case took (a new activity, timer or
 * marker on its path, commands in another order) fails here until it is guarded with `patched()`.
 *
 * workflows/README.md ("Proof that the replay can fail") shows changes that make this test fail.
 *
 * The folder f508b03 was recorded before the projection became a local activity, so its cases take the old
 * branch of `patched('projection-local-activity')`; 35c2154 was recorded after, so they take the new one.
 */
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, CODEC_KEYS, type Harness } from '../support/engine.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';
import { identification } from './fixtures.js';

const HISTORIES = join(import.meta.dirname, 'histories');
/** The key the histories' payloads were encrypted with when they were recorded (CODEC_KEYS of the test harness). */
const RECORDING_KEYS = [{ id: 'test', key: Buffer.alloc(32, 3) }];

interface RecordedHistory {
  scenario: string;
  description: string;
  recordedWith: { commit: string; label: string };
  workflowId: string;
  history: unknown;
}

function recorded(): (RecordedHistory & { file: string })[] {
  return readdirSync(HISTORIES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(HISTORIES, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({
          file: `${d.name}/${f}`,
          ...(JSON.parse(readFileSync(join(HISTORIES, d.name, f), 'utf8')) as RecordedHistory),
        })),
    );
}

/** Replays each history against the current bundle; the messages of those that fail, by file. */
async function replayAll(files = recorded()): Promise<{ replayed: number; failures: string[] }> {
  const H = temporal.api.history.v1.History;
  const histories = files.map((f) => ({ workflowId: f.file, history: H.fromObject(f.history as object) }));
  const results = Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), dataConverter: dataConverter(RECORDING_KEYS) },
    histories,
  );
  let replayed = 0;
  const failures: string[] = [];
  for await (const r of results) {
    replayed++;
    if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
  }
  return { replayed, failures };
}

describe('cases started by released versions keep running after an upgrade', () => {
  it('replays every committed history of the released code without nondeterminism', async () => {
    const files = recorded();
    // several releases and step kinds, both branches of the projection patch
    expect(new Set(files.map((f) => f.recordedWith.label)).size).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeGreaterThanOrEqual(20);
    const { replayed, failures } = await replayAll(files);
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  it('recorded the histories with the key the replay decrypts with', () => {
    expect(CODEC_KEYS.map((k) => [k.id, k.key.toString('hex')])).toEqual(
      RECORDING_KEYS.map((k) => [k.id, k.key.toString('hex')]),
    );
  });
});

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

describe('personal data in Temporal histories', () => {
  it('stores no plaintext ID number or name in the case history (payloads are AES-GCM encrypted)', async () => {
    const idNumber = '430422199001011234';
    const c = await h.start(identification, { data: { application: { name: '王小明', idNumber } } });
    const [apply] = await open(c);
    await h.act(c, apply.id, 'cadre1', 'submit', {
      data: { name: '王小明', idNumber, phone: '13812345678' },
    });
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
