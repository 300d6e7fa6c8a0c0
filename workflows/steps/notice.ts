/**
 * 公示 a public-notice window: opens on the board of an organisation level,
 * stays open for N calendar or working days (never closes early), collects
 * objections, and routes to an investigation when any were filed.
 */
import { patched, sleep } from '@temporalio/workflow';
import type { NoticeStep } from '../definition.js';
import type { CaseRuntime } from '../runtime.js';
import type { NoticeState } from '../contract.js';
import { CalendarYearMissingError, noticeCloseTime } from '../calendar.js';
import { repairOf } from '../kinds/repair.js';
import { CANCELLED, runRepair, type StepResult } from './repair.js';

export async function runNotice(rt: CaseRuntime, step: NoticeStep): Promise<StepResult> {
  const days = rt.param(step.days);
  const calendar =
    typeof step.calendar === 'object'
      ? (String(rt.input.params[step.calendar.param]) as 'calendar' | 'working')
      : (step.calendar ?? 'calendar');
  // working days are counted over the holiday calendar administrators publish (read by an activity, kept
  // in the case); histories recorded before that replay the first version's package-data path below
  if (calendar === 'working' && patched('calendar-activity')) return runWorkingDayNotice(rt, step, days);
  let opensAt = Date.now();
  let policyClose: number;
  for (;;) {
    try {
      policyClose = noticeCloseTime(opensAt, days, calendar);
      break;
    } catch (err) {
      if (!(err instanceof CalendarYearMissingError)) throw err;
      // never guess a close date: an administrator updates the calendar and retries, or skips the window
      rt.emit({
        kind: 'audit',
        action: 'notice.calendar-missing',
        target: step.id,
        detail: { year: err.year, message: err.message },
      });
      const choice = await runRepair(rt, repairOf(step));
      if (choice !== 'retry') return choice === 'skip' ? step.next : CANCELLED;
      opensAt = Date.now();
    }
  }
  const wall = rt.wallMs(policyClose - opensAt);
  const notice: NoticeState = {
    id: rt.newId('notice', step.id),
    stepId: step.id,
    opensAt,
    closesAt: opensAt + wall,
    closed: false,
    objections: [],
  };
  open(rt, step, notice, boardOf(rt, step), days, calendar);
  await rt.flush();
  // The window is a durable timer: it survives restarts and cannot be shortened.
  await rt.waitFor(() => false, wall);
  return closeNotice(rt, step, notice);
}

/**
 * A working-day window: it opens on the board at once; its close time comes from the published holiday
 * calendar of its board's region and is fixed from then on (a later edit of the year never moves it).
 * When the year it needs is not published yet the window stays open with its close time pending, and is
 * closed by the same arrangement as soon as an administrator publishes the year.
 */
async function runWorkingDayNotice(rt: CaseRuntime, step: NoticeStep, days: number): Promise<string> {
  const opensAt = Date.now();
  const board = boardOf(rt, step);
  const args = { opensAt, days, orgPath: board.orgPath };
  const first = await rt.calendarClose(args);
  const notice: NoticeState = {
    id: rt.newId('notice', step.id),
    stepId: step.id,
    opensAt,
    closesAt: first.ok ? opensAt + rt.wallMs(first.closesAt - opensAt) : undefined,
    calendarNote: first.note,
    closed: false,
    objections: [],
  };
  open(rt, step, notice, board, days, 'working');
  if (!first.ok) {
    const got = (await rt.awaitCalendar(first, args, 'notice', step))!;
    notice.closesAt = opensAt + rt.wallMs(got.closesAt - opensAt);
    notice.calendarNote = got.note;
    rt.emit({
      kind: 'notice.scheduled',
      stepId: step.id,
      noticeId: notice.id,
      closesAt: notice.closesAt,
      calendarNote: got.note,
    });
  }
  await rt.flush();
  // The window is a durable timer: it survives restarts and cannot be shortened.
  await rt.waitFor(() => false, Math.max(0, notice.closesAt! - Date.now()));
  return closeNotice(rt, step, notice);
}

/** Post the window on its board (the read model's notice row). */
function open(
  rt: CaseRuntime,
  step: NoticeStep,
  notice: NoticeState,
  board: { orgId: string; orgPath: string[] },
  days: number,
  calendar: 'calendar' | 'working',
): void {
  rt.notices.set(notice.id, notice);
  rt.emit({
    kind: 'notice.opened',
    stepId: step.id,
    noticeId: notice.id,
    level: step.level,
    ...board,
    title: `${rt.input.title}（${step.title.zh}）`,
    content: contentOf(rt, step),
    days,
    calendar,
    opensAt: notice.opensAt,
    closesAt: notice.closesAt,
    ...(notice.calendarNote ? { calendarNote: notice.calendarNote } : {}),
  });
}

/** The board a notice is posted on: its level's node and the path down to it. */
function boardOf(rt: CaseRuntime, step: NoticeStep): { orgId: string; orgPath: string[] } {
  const orgId = rt.orgFor(step.level);
  return { orgId, orgPath: rt.input.org.path.slice(0, rt.input.org.path.indexOf(orgId) + 1) };
}

function contentOf(rt: CaseRuntime, step: NoticeStep): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const path of step.publish ?? []) content[path] = pick(rt.data, path);
  return content;
}

/** The window's close instant has come: close it and route by the objections filed. */
async function closeNotice(rt: CaseRuntime, step: NoticeStep, notice: NoticeState): Promise<string> {
  await sleepRemainder(notice.closesAt!);
  notice.closed = true;
  let objectionCount = notice.objections.length;
  if (patched('objections-from-store')) objectionCount = await objectionsFromStore(rt, notice);
  rt.emit({ kind: 'notice.closed', stepId: step.id, noticeId: notice.id, objectionCount });
  if (objectionCount === 0) return step.next;
  rt.data.objections = notice.objections.map((o) => ({ receipt: o.receipt, content: o.content, at: o.at }));
  // a flood: the case carries the first ones (bounded size); the case page lists them all
  if (objectionCount > notice.objections.length) rt.data.objectionTotal = objectionCount;
  rt.emit({ kind: 'case.data', data: rt.data });
  rt.emit({ kind: 'objection.resolved', noticeId: notice.id, status: 'investigating' });
  return step.onObjection;
}

/**
 * 异议 the API stores objections in PostgreSQL (never one Update each); read them in one batch now
 * the window has closed. Objections that still came as Updates (an API server of the previous
 * version) are already in `notice.objections`; a receipt is taken once. Returns the full count.
 */
async function objectionsFromStore(rt: CaseRuntime, notice: NoticeState): Promise<number> {
  const stored = await rt.noticeObjections({ noticeId: notice.id, closesAt: notice.closesAt! });
  const receipts = new Set(notice.objections.map((o) => o.receipt));
  for (const o of stored.objections) if (!receipts.has(o.receipt)) notice.objections.push(o);
  notice.objections.sort((a, b) => a.at - b.at || (a.receipt < b.receipt ? -1 : 1));
  return Math.max(stored.total, notice.objections.length);
}

/** Guard against a timer firing a millisecond early on a clock edge: the window never closes before closesAt. */
async function sleepRemainder(closesAt: number): Promise<void> {
  const left = closesAt - Date.now();
  if (left > 0) await sleep(left);
}

function pick(data: Record<string, unknown>, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
