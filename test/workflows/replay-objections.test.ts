/**
 * Cases whose notice windows were run by the previous code (objections as one Update each) replay
 * against the code that reads objections from the store: the change is behind `patched`, so their
 * histories stay valid. The histories were recorded by the previous code (commit 35c2154) on the
 * time-skipping server: an objection by Update then upheld, a window without objections then
 * approved, and a case still in its window with one objection.
 */
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODEC_KEYS } from '../support/engine.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';

const recorded: { workflowId: string; history: string }[] = JSON.parse(
  readFileSync(new URL('./histories/objections-by-update.json', import.meta.url), 'utf8'),
);

describe('replay of notice windows recorded before objections came from the store', () => {
  it('replays every recorded history without nondeterminism', async () => {
    const histories = recorded.map((r) => ({
      workflowId: r.workflowId,
      history: temporal.api.history.v1.History.decode(Buffer.from(r.history, 'base64')),
    }));
    expect(histories).toHaveLength(3);
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter(CODEC_KEYS) },
      histories,
    );
    let replayed = 0;
    for await (const r of results) {
      expect(r.error, `${r.workflowId}: ${r.error?.message}`).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(3);
  }, 120_000);
});
