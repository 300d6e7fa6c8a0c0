/**
 * The bench's instruments (issue 22): the Flowable peer is skipped with a clear word where Java or Maven is
 * missing (never a failed bench), and the per-case SQL counts keep the load lanes' inbox polls and the peer's idle
 * job acquisition out of the engine's figure.
 */
import { describe, expect, it } from 'vitest';
import { buildFlowablePeer } from '../bench/peer-flowable.js';
import { sqlPerCase, type PgSnapshot } from '../bench/counts.js';

describe('bench instruments', () => {
  it('skips the Flowable peer with a clear message when Java or Maven is not on PATH', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const r = buildFlowablePeer();
      expect(r).toEqual({ skipped: expect.stringContaining('skipped: Java/Maven not found') });
    } finally {
      process.env.PATH = path;
    }
  });

  it('counts statements per case without the lanes’ polls, and takes a measured background off', () => {
    const snap = (
      calls: Record<string, number>,
      xacts: number,
      ins: number,
      upd = 0,
      hot = 0,
    ): PgSnapshot => ({
      statements: new Map(Object.entries(calls)),
      xacts,
      tables: new Map([
        ['audit_events', { ins, upd: 0, del: 0, hot: 0 }],
        ['cases', { ins: 0, upd, del: 0, hot }],
      ]),
    });
    const poll = 'SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = $3 LIMIT $4';
    const a = snap({ BEGIN: 10, 'INSERT INTO x VALUES ($1)': 100, [poll]: 50 }, 1000, 7);
    // 2 cases: 4 BEGIN + 20 inserts, 30 polls; 3 snapshot transactions + 30 poll transactions + 8 of the engine
    // and 6 updates of cases, 4 of them HOT
    const b = snap({ BEGIN: 14, 'INSERT INTO x VALUES ($1)': 120, [poll]: 80 }, 1041, 17, 6, 4);
    const c = sqlPerCase(a, b, 2);
    expect(c).toMatchObject({ statements: 12, txControl: 2, polls: 15, transactions: 4, rowsWritten: 8 });
    expect(c.tables).toEqual({ audit_events: 5, cases: 3 });
    expect(c.updates).toEqual({ cases: { all: 3, hot: 2 } });
    // a background of 1 statement and 0.5 transactions a second over 4 s is not the engine's
    const quiet = { ...c, statements: 1, transactions: 0.5 };
    expect(sqlPerCase(a, b, 2, { perSecond: quiet, seconds: 4 })).toMatchObject({
      statements: 10,
      transactions: 3,
    });
  });
});
