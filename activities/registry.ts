/**
 * 活动注册表 the developer extension point. Each activity is one file that
 * declares its name, Chinese title, input and output JSON Schemas and its
 * function; this list is what the worker registers, the definition validator
 * checks wiring against, and the process designer offers.
 */
import type pg from 'pg';
import { computeIncome } from './income.js';
import { compareDepartmentData } from './department-data.js';
import { notify } from './notify.js';
import { snapshotDocument } from './document-snapshot.js';
import { setHouseholdStatus } from './household-status.js';
import { raiseDepartmentWarnings } from './department-warnings.js';
import { publishAnnouncement } from './announcement.js';
import { listAdmittedProjects, listAssetLedgers } from './project-register.js';

export interface ActivityDeps {
  db: pg.Pool;
}

export interface ActivityDefinition<I = any, O = any> {
  name: string;
  title: { zh: string; en: string };
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  create(deps: ActivityDeps): (input: I) => Promise<O>;
}

export const ACTIVITIES: ActivityDefinition[] = [
  computeIncome,
  compareDepartmentData,
  notify,
  snapshotDocument,
  setHouseholdStatus,
  raiseDepartmentWarnings,
  publishAnnouncement,
  listAdmittedProjects,
  listAssetLedgers,
];

export function activityByName(name: string): ActivityDefinition | undefined {
  return ACTIVITIES.find((a) => a.name === name);
}

/** What the designer and the validator see: everything but the function. */
export function describeActivities() {
  return ACTIVITIES.map(({ name, title, description, inputSchema, outputSchema }) => ({
    name,
    title,
    description,
    inputSchema,
    outputSchema,
  }));
}
