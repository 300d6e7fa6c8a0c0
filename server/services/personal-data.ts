/**
 * 个人信息读取 the one read path for a case's personal data (PIPL). Task reads, the case page, printed
 * documents (view and PDF), objections in staff views and exports all go through `readCaseData`, which
 *  1. removes the fields the step hides (its field permissions and the form's later stages),
 *  2. masks ID numbers and phones unless the reader may see them in full, and
 *  3. writes an audit entry for every read that returns anything unmasked.
 *
 * Who sees what in full: the person who holds an open task sees the data of the form they fill; staff who
 * hold one of UNMASK_ROLES over the case's region may ask for the rest. Everyone else reads it masked.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/chain.js';
import { inTransaction } from '../db.js';
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { maskValue } from './masking.js';
import { holdsRoleOver, type Principal } from './principal.js';

/**
 * Roles that work with a household's identity over their region and may read personal data in full
 * (audited): the village that files, the township that reviews, the county bureau that decides.
 * Verifiers, county finance and industry departments, the leading group and monitors see it masked
 * unless they hold the task whose form they fill.
 */
export const UNMASK_ROLES = [
  'village_cadre',
  'village_secretary',
  'township_reviewer',
  'county_rural_bureau',
] as const;

/** what a read is for; recorded in the audit entry */
export type ReadPurpose = 'task' | 'case' | 'document.view' | 'document.print' | 'objections' | 'export';

export type FieldPermission = 'edit' | 'readonly' | 'hidden';

export interface CaseRef {
  id: string;
  org_path: string[];
}

export interface ReadOptions {
  purpose: ReadPurpose;
  /** the step's field permissions: its hidden fields are removed … */
  stepFieldPermissions?: Record<string, string>;
  /**
   * … from the step's form, found at these dotted paths of `value` ('' = `value` itself is the form's
   * data; 'prefill.application' = the form inside the case data sent as `prefill`). Default: ['']
   */
  formAt?: string[];
  /**
   * the reader holds the open task: the form they fill is shown in full — `true` for all of `value`, or
   * the top-level keys of `value` that hold it (the rest follows `unmask`)
   */
  own?: boolean | string[];
  /** the reader asks for the full data: granted when they hold an unmasking role over the case */
  unmask?: boolean;
  /** refuse (403) an `unmask` request the reader may not make, instead of answering masked */
  strict?: boolean;
  /** the form or part read, for the audit entry */
  form?: string;
}

/** May this principal read the case's personal data in full (on request, audited)? */
export function mayUnmask(who: Principal, orgPath: string[]): boolean {
  return holdsRoleOver(who, UNMASK_ROLES, orgPath);
}

/** The step's hidden fields (top-level or dotted, "townshipReview.signer"), removed from a copy of one form's data. */
export function withoutHidden<T>(data: T, perms: Record<string, string> | undefined): T {
  if (!perms) return data;
  let out = data;
  for (const [path, perm] of Object.entries(perms))
    if (perm === 'hidden') out = removeAt(out, path.split('.'));
  return out;
}

function removeAt<T>(value: T, path: string[]): T {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const [head, ...tail] = path;
  if (!(head in obj)) return value;
  const copy = { ...obj };
  if (tail.length) copy[head] = removeAt(obj[head], tail);
  else delete copy[head];
  return copy as T;
}

/** Masked as it will be sent: as JSON first, so timestamps stay timestamps (ISO text) */
function masked<T>(v: T): T {
  return v === undefined ? v : maskValue(JSON.parse(JSON.stringify(v)) as T);
}

/** Does the value hold anything at all (an empty form read in full reveals nothing worth an entry)? */
function hasContent(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.some(hasContent);
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).some(hasContent);
  return true;
}

/**
 * Read a case's personal data for one purpose: hidden fields removed, masked unless the reader may see it
 * in full, and every full read audited. Returns the value to send and whether it is unmasked.
 */
export async function readCaseData<T>(
  deps: Pick<ServiceDeps, 'db'>,
  who: Principal,
  caseRow: CaseRef,
  value: T,
  opts: ReadOptions,
): Promise<{ value: T; unmasked: boolean }> {
  let shown = value;
  if (opts.stepFieldPermissions) {
    for (const at of opts.formAt ?? [''])
      shown = updateAt(shown, at, (form) => withoutHidden(form, opts.stepFieldPermissions));
  }
  const allowed = mayUnmask(who, caseRow.org_path);
  if (opts.unmask && !allowed && opts.own !== true && opts.strict) {
    throw domain.forbidden('您无权查看完整的个人信息', 'you may not read this personal data unmasked');
  }
  const rest = opts.unmask && allowed;
  let unmaskedPart: unknown;
  if (opts.own === true || rest) {
    unmaskedPart = shown;
  } else if (Array.isArray(opts.own) && shown && typeof shown === 'object') {
    const own = new Set(opts.own);
    const entries = Object.entries(shown as Record<string, unknown>);
    shown = Object.fromEntries(entries.map(([k, v]) => [k, own.has(k) ? v : masked(v)])) as T;
    unmaskedPart = entries.filter(([k]) => own.has(k)).map(([, v]) => v);
  } else {
    return { value: masked(shown), unmasked: false };
  }
  const revealed = hasContent(unmaskedPart);
  if (revealed) await auditRead(deps, who, caseRow.id, opts);
  return { value: shown, unmasked: revealed };
}

/** `value` with the part at a dotted path replaced by `fn(part)` (copies along the path; absent parts are left alone). */
function updateAt<T>(value: T, path: string, fn: (v: unknown) => unknown): T {
  if (path === '') return fn(value) as T;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...tail] = path.split('.');
  const obj = value as Record<string, unknown>;
  if (!(head in obj)) return value;
  return { ...obj, [head]: updateAt(obj[head], tail.join('.'), fn) } as T;
}

/** One audit entry per full read: who, which case, what for. */
async function auditRead(deps: Pick<ServiceDeps, 'db'>, who: Principal, caseId: string, opts: ReadOptions) {
  const action =
    opts.purpose === 'document.view' || opts.purpose === 'document.print'
      ? opts.purpose
      : `${opts.purpose}.read-unmasked`;
  const detail: Record<string, unknown> = {
    purpose: opts.purpose,
    ...(opts.form ? { form: opts.form } : {}),
    ...(opts.own ? { holder: true } : {}),
  };
  await inTransaction(deps.db, (tx) =>
    appendAudit(tx, [
      {
        id: `read:${caseId}:${Date.now()}:${who.userId}:${randomUUID().slice(0, 8)}`,
        actorId: who.userId,
        action,
        target: caseId,
        detail,
      },
    ]),
  );
}
