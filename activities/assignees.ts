/** 办理人解析 who holds a role at an organisation node (for 会签 / 依次 and no-approver checks). */
import type pg from 'pg';
import { roleHolders } from '../store/role-holders.js';

export function assigneeActivities(db: pg.Pool) {
  return {
    async resolveAssignees(args: { role: string; orgId: string; department?: string }) {
      return roleHolders(db, args);
    },
  };
}
