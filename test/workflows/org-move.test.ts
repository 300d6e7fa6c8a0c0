/**
 * 区划调整 (撤乡并镇): a village moves to another township while its case runs. The case is told its new org, so
 * the township step it opens next goes to the new township's verifiers, not to the township it started under;
 * a case Temporal could not tell at the moment is told by the next delivery round, and an ended case needs
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createHarness, type Harness } from '../support/engine.js';
import { deliverOrgSyncs, moveOrgNode } from '../../server/services/org-tree.js';
import { identification } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const open = (caseId: string) =>
  h.until(async () => {
    const t = await h.openTasks(caseId);
    return t.length ? t : undefined;
  }, 'an open task');
const pending = async () =>
  (await h.tdb.db.query('SELECT case_id FROM case_org_syncs ORDER BY case_id')).rows.map((r) => r.case_id);

describe('a node moves while its cases run', () => {
  it('opens the next township step at the new township', async () => {
    // 花桥村 (under 花桥镇, where nobody verifies) joins 云集镇, whose verifiers are ver1 and ver2
    const c = await h.start(identification, { orgId: 'hn-v3' });
    const [apply] = await open(c);
    expect(apply.org_id).toBe('hn-v3');
    const moved = await moveOrgNode(h.tdb.db, 'admin', 'hn-v3', { parentCode: 'hn-t1' }, h.env.client);
    expect([moved.runningCases, moved.told]).toEqual([1, 1]);
    expect(await pending()).toEqual([]);

    await h.act(c, apply.id, 'cadre3', 'submit');
    const [verify] = await open(c);
    // before the move was told, this went to 花桥镇, and for want of a verifier there to the county's administrator
    expect([verify.step_id, verify.role, verify.org_id]).toEqual(['verify', 'verifier', 'hn-t1']);
    expect((await h.caseRow(c)).org_path).toEqual(['hn', 'hy', 'hn-k1', 'hn-t1', 'hn-v3']);
  });

  it('keeps what Temporal could not take for the next round, and drops what an ended case no longer needs', async () => {
    const c = await h.start(identification, { orgId: 'hn-v2' });
    await open(c);
    // Temporal unreachable for the move: a client over a closed connection
    const connection = await Connection.connect({ address: h.env.connection.options.address });
    await connection.close();
    const away = new Client({ connection });
    const moved = await moveOrgNode(h.tdb.db, 'admin', 'hn-v2', { parentCode: 'hn-t2' }, away);
    expect([moved.runningCases, moved.told]).toEqual([1, 0]);
    expect(await pending()).toEqual([c]);
    // the next round (the server's hourly housekeeping) tells it
    expect(await deliverOrgSyncs(h.tdb.db, h.env.client)).toBe(1);
    expect(await pending()).toEqual([]);
    const signalled = (await h.env.client.workflow.getHandle(c).fetchHistory()).events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orgMoved',
    );
    expect(signalled).toHaveLength(1);

    // a row for a case whose workflow is gone is dropped, not retried for ever
    await h.tdb.db.query('INSERT INTO case_org_syncs (case_id) VALUES ($1)', [c]);
    await h.env.client.workflow.getHandle(c).terminate('test: the case is gone');
    expect(await deliverOrgSyncs(h.tdb.db, h.env.client)).toBe(0);
    expect(await pending()).toEqual([]);
  });
});
