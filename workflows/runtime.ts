/**
 * The state of one running case and the plumbing every step uses: ids, the
 * projection queue (events → read model), waiting for people, policy time.
 * Workflow code: deterministic, no I/O (activities do the I/O).
 */
import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CalendarCloseArgs,
  CalendarCloseResult,
  CaseInput,
  CaseStatus,
  NoticeState,
  ProjectionEvent,
  TaskState,
  EngineActivities,
  ActionResult,
} from './contract.js';
import type { NumberOrParam, OrgLevel, ProcessDefinition, Step, TaskAction } from './definition.js';
import { stepById } from './definition.js';
import { FAILURE } from './contract.js';

// The read model must catch up whatever happens to PostgreSQL: retry without limit.
const projection = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', backoffCoefficient: 2 },
} as const;
const engine = proxyActivities<EngineActivities>(projection);
/**
 * The projection as a local activity: it runs in the worker that runs the workflow task and leaves one
 * marker in the history instead of scheduled/started/completed events and an extra workflow task, which
 * halves the work of the Temporal server per step. It is idempotent (case id + sequence), so a replay
 * after a crash that runs it again changes nothing. Cases started before this change keep the regular
 * activity (`patched`), so their histories replay unchanged.
 */
const local = proxyLocalActivities<EngineActivities>(projection);
/** The calendar is read through an activity (never a global): retried while PostgreSQL is away. */
const calendar = proxyActivities<EngineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
const HOUR_MS = 3_600_000;

/** Distributes `Omit` over a union, so each event kind keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<ProjectionEvent, 'seq' | 'at'> & { at?: number };

/** 任务组 the tasks of one visit to a task step and how that visit ends. */
export interface TaskGroup {
  stepId: string;
  branch?: string;
  taskIds: string[];
  /** 依次: users still to act, in order */
  queue: { userId: string; name: string }[];
  /** 加签 after: extra signers to ask once the current ones are done */
  after: { userId: string; name: string }[];
  outcome?: { next: string; action: string };
  /** actions of every task of this group (repair tasks bring their own) */
  actions: TaskAction[];
}

/** Failure types the server maps to HTTP statuses. */
export const STALE = FAILURE.stale; // 409
export const INVALID = FAILURE.invalid; // 422
export const FORBIDDEN = FAILURE.forbidden; // 403

export function reject(type: string, zh: string, en: string): never {
  throw ApplicationFailure.create({
    type,
    message: `${zh} / ${en}`,
    nonRetryable: true,
    details: [{ zh, en }],
  });
}

export class CaseRuntime {
  readonly def: ProcessDefinition;
  seq: number;
  data: Record<string, unknown>;
  visited: string[];
  requestIds: Set<string>;
  readonly tasks = new Map<string, TaskState>();
  readonly groups = new Map<string, TaskGroup>();
  readonly notices = new Map<string, NoticeState>();
  readonly current = new Set<string>();
  status: CaseStatus = 'running';
  private counter = 0;
  private pending: ProjectionEvent[] = [];
  private flushing = false;
  private currentDirty = true;
  /** tasks written with an `orElse` whose holders the projection has not answered for yet */
  private readonly holderChecks = new Map<string, { role: string; orgId: string }>();
  /** runners (main chain + parallel branches) that are not waiting for a person or a timer */
  private activeRunners = 1;
  private readonly waiters = new Set<() => boolean>();
  /** action counter, and the counter's value when the case last came to rest */
  private kicks = 0;
  private restedAt = 0;
  abortOutcome?: { status: CaseStatus; outcome: string };
  /** how many times an administrator published a holiday-calendar year since this run began (signal) */
  calendarPublications = 0;

  constructor(readonly input: CaseInput) {
    this.def = input.definition;
    this.seq = input.resume?.seq ?? 0;
    // the input is already this workflow's own deserialised copy
    this.data = { ...(input.resume?.data ?? input.data) };
    this.visited = [...(input.resume?.visited ?? [])];
    this.requestIds = new Set(input.resume?.requestIds ?? []);
    this.counter = this.seq;
  }

  get caseId(): string {
    return this.input.caseId;
  }

  step(id: string): Step {
    const step = stepById(this.def, id);
    if (!step)
      throw ApplicationFailure.nonRetryable(`step ${id} is not in ${this.def.key} v${this.def.version}`);
    return step;
  }

  newId(kind: string, stepId: string): string {
    return `${this.caseId}:${kind}:${stepId}:${++this.counter}`;
  }

  /** The id of the case's ancestor at a level (a county department is a node under the county). */
  orgFor(level: OrgLevel): string {
    const id = this.input.org.ancestors[level];
    if (!id) throw ApplicationFailure.nonRetryable(`case org ${this.input.org.id} has no ${level} ancestor`);
    return id;
  }

  param(value: NumberOrParam): number {
    if (typeof value === 'number') return value;
    const v = this.input.params[value.param];
    if (typeof v !== 'number')
      throw ApplicationFailure.nonRetryable(`parameter ${value.param} is not a number`);
    return v;
  }

  /** Wall-clock milliseconds of a span of policy time (demo mode makes days short). */
  wallMs(policyMs: number): number {
    return Math.round((policyMs * this.input.daySeconds) / 86400);
  }

  context(): Record<string, unknown> {
    const { org, subject, initiator, caseId, title } = this.input;
    return {
      data: this.data,
      params: this.input.params,
      case: { id: caseId, title, org, subject, initiator },
    };
  }

  enter(stepId: string): void {
    this.current.add(stepId);
    this.currentDirty = true;
  }

  leave(stepId: string): void {
    this.current.delete(stepId);
    this.currentDirty = true;
  }

  emit(event: NewEvent): void {
    this.pending.push({ ...event, seq: ++this.seq, at: event.at ?? Date.now() } as ProjectionEvent);
  }

  /** Send queued events to the read model, in order, one batch at a time. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.currentDirty) {
        this.currentDirty = false;
        this.emit({
          kind: 'case.steps',
          current: [...this.current].map((id) => ({ id, title: stepById(this.def, id)?.title.zh ?? id })),
        });
      }
      if (this.pending.length === 0) return;
      if (this.flushing) {
        await condition(() => !this.flushing);
        continue;
      }
      const events = this.pending.splice(0);
      this.flushing = true;
      try {
        const found = await (patched('projection-local-activity') ? local : engine).project({
          caseId: this.caseId,
          events,
        });
        // (a projection of an earlier release answers nothing: no task of its batches asked)
        this.answerHolderChecks(events, found?.unheld ?? []);
      } finally {
        this.flushing = false;
      }
    }
  }

  /** A task opened with `orElse` (createTask): the projection answers whether anybody holds its role. */
  checkHolders(taskId: string, orElse: { role: string; orgId: string }): void {
    this.holderChecks.set(taskId, orElse);
  }

  /**
   * 无审批人 the tasks of a batch that nobody held went to their `orElse`: the case's own state follows the
   * read model, and the audit says so (as when the assignees were looked up before the task was opened).
   */
  private answerHolderChecks(events: ProjectionEvent[], unheld: string[]): void {
    for (const ev of events) {
      if (ev.kind !== 'task.created') continue;
      const orElse = this.holderChecks.get(ev.task.id);
      const task = this.tasks.get(ev.task.id);
      this.holderChecks.delete(ev.task.id);
      if (!orElse || !task || !unheld.includes(ev.task.id)) continue;
      this.emit({
        kind: 'audit',
        action: 'task.no-approver',
        target: task.stepId,
        detail: { role: task.role, orgId: task.orgId },
      });
      task.role = orElse.role;
      task.orgId = orElse.orgId;
      task.department = undefined;
      task.minSigners = 1;
      task.dueAt = undefined;
    }
  }

  /** Wait for people or time. While every runner waits, the case is at rest. */
  async waitFor(predicate: () => boolean, timeoutMs?: number): Promise<boolean> {
    if (predicate()) return true;
    await this.flush();
    this.waiters.add(predicate);
    if (--this.activeRunners === 0) this.restedAt = this.kicks;
    try {
      return timeoutMs === undefined
        ? (await condition(predicate), true)
        : await condition(predicate, timeoutMs);
    } finally {
      this.waiters.delete(predicate);
      this.activeRunners++;
    }
  }

  /**
   * Run an automated step. While it runs the case counts as at rest, so a
   * person's action returns as soon as the automated step has started instead
   * of waiting for it (an activity may take minutes, or be retried for hours).
   */
  async automated<T>(run: () => Promise<T>): Promise<T> {
    await this.flush();
    if (--this.activeRunners === 0) this.restedAt = this.kicks;
    try {
      return await run();
    } finally {
      this.activeRunners++;
    }
  }

  /** Every runner waits for a person or a timer (or an automated step): the case is at rest. */
  get atRest(): boolean {
    return this.activeRunners === 0;
  }

  /** A branch of a parallel step starts or stops running. */
  runnerStarted(): void {
    this.activeRunners++;
  }
  runnerStopped(): void {
    if (--this.activeRunners === 0) this.restedAt = this.kicks;
  }

  /** The case has ended: nothing runs any more. */
  finished(): void {
    this.activeRunners = 0;
    this.restedAt = this.kicks;
  }

  /**
   * Called by an update handler after it changed state: returns once the case
   * has moved on and the read model shows it, so the caller's next inbox read
   * already has the next task (read-your-writes for the person who acted).
   */
  async settle(): Promise<ActionResult> {
    const kick = ++this.kicks;
    const willMove = [...this.waiters].some((p) => p()) || this.abortOutcome !== undefined;
    if (willMove) await condition(() => this.activeRunners === 0 && this.restedAt >= kick);
    await this.flush();
    return this.result();
  }

  result(): ActionResult {
    return {
      caseId: this.caseId,
      status: this.status,
      current: [...this.current],
      openTasks: [...this.tasks.values()].filter((t) => t.status === 'open').map((t) => t.id),
    };
  }

  /** Remember a request id; a second use of it is refused by the validators. */
  seen(requestId: string): boolean {
    return this.requestIds.has(requestId);
  }
  remember(requestId: string): void {
    this.requestIds.add(requestId);
    // keep the carried set bounded; Temporal itself also deduplicates update ids
    if (this.requestIds.size > 500) this.requestIds.delete(this.requestIds.values().next().value as string);
  }

  info() {
    return workflowInfo();
  }

  /** The close time of a working-day window over the published holiday calendar (an activity: never a global). */
  calendarClose(args: CalendarCloseArgs): Promise<CalendarCloseResult> {
    return calendar.calendarClose(args);
  }

  /**
   * 等待节假日安排 a working-day window or SLA needs a year nobody has published yet: say so (case page,
   * administrators' inbox), wait, and go on by itself once the year is there — woken by the
   * `calendarPublished` signal the publishing service sends, with a slow poll (1 h, doubling to a day) in
   * case a signal was lost. Returns undefined when `giveUp` came true first (the task was decided meanwhile).
   */
  async awaitCalendar(
    missing: Extract<CalendarCloseResult, { ok: false }>,
    args: CalendarCloseArgs,
    purpose: 'notice' | 'sla',
    step: { id: string; title: { zh: string } },
    giveUp: () => boolean = () => false,
  ): Promise<Extract<CalendarCloseResult, { ok: true }> | undefined> {
    let result: CalendarCloseResult;
    let year = missing.missingYear;
    const county = this.input.org.ancestors.county ?? this.input.org.path[0];
    const announce = (r: Extract<CalendarCloseResult, { ok: false }>) => {
      this.emit({ kind: 'calendar.waiting', stepId: step.id, purpose, year: r.missingYear, message: r.note });
      this.emit({
        kind: 'audit',
        action: 'calendar.waiting',
        target: step.id,
        detail: { year: r.missingYear, purpose },
      });
      this.emit({
        kind: 'notify',
        notifyKind: 'calendar-missing',
        role: 'admin',
        orgId: county,
        message: `${this.input.title}「${step.title.zh}」：${r.missingYear}年节假日安排尚未录入，${purpose === 'notice' ? '公示截止时间' : '办理期限'}待定，请在“节假日安排”中发布`,
      });
    };
    announce(missing);
    let pollMs = HOUR_MS;
    for (;;) {
      const seen = this.calendarPublications;
      await this.waitFor(() => this.calendarPublications !== seen || giveUp(), pollMs);
      if (giveUp()) {
        this.emit({
          kind: 'calendar.resolved',
          stepId: step.id,
          purpose,
          year,
          message: '已办理，不再等待节假日安排',
        });
        return undefined;
      }
      pollMs = Math.min(pollMs * 2, 24 * HOUR_MS);
      result = await this.calendarClose(args);
      if (result.ok) {
        this.emit({ kind: 'calendar.resolved', stepId: step.id, purpose, year, message: result.note });
        return result;
      }
      if (result.missingYear !== year) {
        year = result.missingYear;
        announce(result);
      }
    }
  }

  /**
   * Who holds a role at a node (a read of PostgreSQL). As a local activity it runs inside the workflow task
   * that opens the step — one marker instead of scheduled/started/completed events and one more workflow task
   * per step a person acts on (a case start went from three workflow tasks to one). A read, so running it
   * again after a crash changes nothing. Histories from before replay the activity (`patched`).
   */
  resolveAssignees(args: Parameters<EngineActivities['resolveAssignees']>[0]) {
    return (patched('assignees-local-activity') ? local : engine).resolveAssignees(args);
  }

  /** The objections stored for a closed notice window: a read too, a local activity like the assignees. */
  noticeObjections(args: Parameters<EngineActivities['noticeObjections']>[0]) {
    return (patched('objections-local-activity') ? local : engine).noticeObjections(args);
  }
}
