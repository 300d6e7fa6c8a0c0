/**
 * 异议 the objections of a notice window, read by the case workflow once the window has closed.
 * The API stores every objection in PostgreSQL first (server/services/public-board.ts); the workflow
 * learns about them here in one batch, never as one Temporal Update each (a run takes at most
 * 2,000 Updates, so a flood of objections must not reach it one by one).
 */
import type pg from 'pg';
import type { NoticeObjections } from '../workflows/contract.js';

/**
 * At most this much objection text goes into the workflow (its history and the case data): a
 * flood of long objections must not push the case past Temporal's payload and history limits. The
 * investigators see every objection on the case page; the count is always the full count.
 */
export const OBJECTION_BYTES_TO_WORKFLOW = 256 * 1024;

export function objectionActivities(db: pg.Pool) {
  return {
    async noticeObjections({
      noticeId,
      closesAt,
    }: {
      noticeId: string;
      closesAt: number;
    }): Promise<NoticeObjections> {
      // Close the intake first. The API's insert locks the notice row and checks intake_closed_at, so
      // this waits for every insert in flight and no insert can succeed after it: every objection
      // answered 201 is in the select below. Idempotent: a retry keeps the first instant.
      await db.query(
        'UPDATE notices SET intake_closed_at = COALESCE(intake_closed_at, now()) WHERE id = $1',
        [noticeId],
      );
      // the window never closes early and last-second objections count: filed_at <= closesAt
      const where = 'notice_id = $1 AND filed_at <= $2';
      const closes = new Date(closesAt);
      const total = (
        await db.query(`SELECT count(*)::int AS n FROM objections WHERE ${where}`, [noticeId, closes])
      ).rows[0].n as number;
      const { rows } = await db.query<{ receipt: string; content: string; at: string }>(
        `SELECT receipt, content, at FROM (
           SELECT receipt, content, (extract(epoch FROM filed_at) * 1000)::bigint AS at,
                  sum(octet_length(content) + octet_length(receipt) + 32) OVER (ORDER BY filed_at, receipt) AS running
           FROM objections WHERE ${where}) s
         WHERE running <= $3 ORDER BY at, receipt`,
        [noticeId, closes, OBJECTION_BYTES_TO_WORKFLOW],
      );
      const objections = rows.map((r) => ({ receipt: r.receipt, content: r.content, at: Number(r.at) }));
      return { objections, total };
    },
  };
}
