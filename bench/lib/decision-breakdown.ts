/**
 * Where a decision's cost goes, from the benchmark's own counters (issue #20 asks for them instead
 * of a trace read by hand):
 * - SQL: every statement any `pg` client of this process sends (the API's and the worker's Prisma
 *   pools both run on `pg` through the driver adapter), split into writes, reads and transaction
 *   control, counted while one side's decisions run;
 * - CPU: this process (API + worker + SDK core threads), the Temporal server process and the
 *   database's processes (PostgreSQL backends, or the PGlite child), from /proc, over the same window;
 * - Temporal operations: the histories of a sample of decided projects (the project workflow and
 *   every approval step it started), events counted by kind, split at each decision's answer into
 *   "before the answer" (on the approver's path) and "after" (the cascade the answer does not wait for).
 */
import fs from 'node:fs';
import pg from 'pg';
import type { Client } from '@temporalio/client';

export interface TSqlCounts {
  statements: number;
  writes: number;
  reads: number;
  transactionControl: number;
}

const sql: TSqlCounts = { statements: 0, writes: 0, reads: 0, transactionControl: 0 };
let installed = false;

const textOf = (arg: unknown): string =>
  typeof arg === 'string' ? arg : typeof arg === 'object' && arg && 'text' in arg ? String((arg as { text: unknown }).text) : '';

/** Counts every statement sent by a `pg` client of this process from now on (idempotent). */
export function installSqlCounter(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = textOf(args[0]).trimStart().slice(0, 16).toUpperCase();
    sql.statements += 1;
    if (/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START)/.test(text)) sql.transactionControl += 1;
    else if (/^(INSERT|UPDATE|DELETE|WITH)/.test(text)) sql.writes += 1;
    else sql.reads += 1;
    return query.apply(this, args);
  };
}

const ticksPerSecond = 100; // USER_HZ on Linux
/** utime + stime of a process in ms, or 0 when it is gone or unreadable. */
function cpuMsOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** CPU of every process whose command is `postgres` (the machine's PostgreSQL server and its backends). */
function cpuMsOfPostgres(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMsOfPid(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export interface TProcessIds {
  temporalPid?: number;
  /** The PGlite child, when the database is embedded; otherwise the machine's `postgres` processes count. */
  databasePid?: number;
}

interface TSample {
  sql: TSqlCounts;
  benchCpuMs: number;
  temporalCpuMs: number;
  databaseCpuMs: number;
}

function sample(ids: TProcessIds): TSample {
  const own = process.cpuUsage();
  return {
    sql: { ...sql },
    benchCpuMs: (own.user + own.system) / 1000,
    temporalCpuMs: cpuMsOfPid(ids.temporalPid),
    databaseCpuMs: ids.databasePid ? cpuMsOfPid(ids.databasePid) : cpuMsOfPostgres(),
  };
}

export interface TSideCost {
  decisions: number;
  /** Per decision. */
  sql: TSqlCounts;
  cpuMs: { benchProcess: number; temporalServer: number; database: number; total: number };
}

const per = (n: number, d: number) => Math.round((n / Math.max(1, d)) * 10) / 10;

/** Runs `fn` (one side's timed decisions) and returns its SQL and CPU per decision. */
export async function measureSide<T>(ids: TProcessIds, decisions: number, fn: () => Promise<T>): Promise<{ result: T; cost: TSideCost }> {
  const a = sample(ids);
  const result = await fn();
  const b = sample(ids);
  const cpu = {
    benchProcess: per(b.benchCpuMs - a.benchCpuMs, decisions),
    temporalServer: per(b.temporalCpuMs - a.temporalCpuMs, decisions),
    // A PostgreSQL backend that exited between the samples takes its CPU with it: a negative
    // difference is not a figure (NaN, "n/a" in the report); PGlite is one process and never is.
    database: b.databaseCpuMs >= a.databaseCpuMs ? per(b.databaseCpuMs - a.databaseCpuMs, decisions) : NaN,
  };
  return {
    result,
    cost: {
      decisions,
      sql: {
        statements: per(b.sql.statements - a.sql.statements, decisions),
        writes: per(b.sql.writes - a.sql.writes, decisions),
        reads: per(b.sql.reads - a.sql.reads, decisions),
        transactionControl: per(b.sql.transactionControl - a.sql.transactionControl, decisions),
      },
      cpuMs: { ...cpu, total: Math.round((cpu.benchProcess + cpu.temporalServer + (Number.isNaN(cpu.database) ? 0 : cpu.database)) * 10) / 10 },
    },
  };
}

/** The history event kinds the breakdown counts (the rest count in `events` only). */
const KINDS = {
  workflowTasks: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
  activities: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  childWorkflows: 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  updatesAccepted: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  searchAttributeUpserts: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  signals: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  timers: 'EVENT_TYPE_TIMER_STARTED',
} as const;
type TKind = keyof typeof KINDS | 'localActivities' | 'events' | 'workflows';
export type TTemporalCounts = Record<TKind, number>;

const emptyCounts = (): TTemporalCounts => ({
  events: 0,
  workflows: 0,
  workflowTasks: 0,
  activities: 0,
  localActivities: 0,
  childWorkflows: 0,
  updatesAccepted: 0,
  searchAttributeUpserts: 0,
  signals: 0,
  timers: 0,
});

interface THistoryEvent {
  eventType?: unknown;
  eventTime?: { seconds?: unknown; nanos?: unknown } | null;
  markerRecordedEventAttributes?: { markerName?: string | null } | null;
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowId?: string | null } | null;
  eventId?: unknown;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
}

/** The event type's enum name (the client decodes histories with numeric enums). */
async function eventTypeNames(): Promise<(t: unknown) => string> {
  // A CommonJS module: under tsx its exports may arrive on `default`.
  const mod = (await import('@temporalio/proto')) as typeof import('@temporalio/proto') & { default?: typeof import('@temporalio/proto') };
  const temporal = mod.temporal ?? mod.default!.temporal;
  const names = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
  return (t) => (typeof t === 'string' ? t : (names[Number(t)] ?? String(t)));
}

const millisOf = (e: THistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor(Number(e.eventTime?.nanos ?? 0) / 1e6);

export interface TDecisionWindow {
  /** The project workflow the decision's task belongs to. */
  projectWorkflowId: string;
  /** Epoch ms when the request was sent and when its answer came back. */
  sentAt: number;
  answeredAt: number;
}

/**
 * Where an answer's time goes, per decision (ms, means over the sample), from the histories' event
 * times and the bench's own send/answer times (one clock: everything runs on this machine).
 */
export interface TPathTimes {
  /** Request sent → the first workflow task scheduled for it: the HTTP route, its reads, the client, the server's admission. */
  toFirstWorkflowTask: number;
  /** Workflow tasks scheduled → completed (queue wait + the worker's activation), summed over the path. */
  workflowTasks: number;
  /** Activities scheduled → completed (dispatch + run), summed over the path; they may overlap workflow tasks. */
  activities: number;
  /** The last event before the answer → the answer received: delivering the Update's result and the HTTP response. */
  afterLastEvent: number;
  /** Request sent → answer received. */
  total: number;
}

export interface TTemporalCost {
  sampled: number;
  /** Time on the answer's path, per decision. */
  pathMs: TPathTimes;
  /** Per decision, events between the request and its answer (the approver waits for these). */
  beforeAnswer: TTemporalCounts;
  /** Per decision, events after the answer, until the histories were read (the cascade). */
  afterAnswer: TTemporalCounts;
}

/** Waits (up to 60 s) until the projects' histories stop growing for a second: their cascades are done. */
async function settled(client: Client, workflowIds: string[]): Promise<void> {
  const lengths = async () => (await Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).describe()))).map((d) => d.historyLength).join(',');
  const until = Date.now() + 60_000;
  let last = await lengths();
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await lengths();
    if (now === last) return;
    last = now;
  }
}

/**
 * Counts the history events of each sampled decision's project and of every workflow it started,
 * from the request on, once the projects' histories have stopped growing.
 */
export async function temporalCost(client: Client, windows: TDecisionWindow[]): Promise<TTemporalCost> {
  await settled(
    client,
    windows.map((w) => w.projectWorkflowId),
  );
  const nameOf = await eventTypeNames();
  const before = emptyCounts();
  const after = emptyCounts();
  const path: TPathTimes = { toFirstWorkflowTask: 0, workflowTasks: 0, activities: 0, afterLastEvent: 0, total: 0 };
  for (const w of windows) {
    let firstTaskAt = Infinity;
    let lastBeforeAnswer = w.sentAt;
    const opened = new Map<string, number>();
    const seen = new Set<string>();
    const queue = [w.projectWorkflowId];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const history = await client.workflow.getHandle(id).fetchHistory();
      const counted = new Set<TTemporalCounts>();
      for (const e of (history.events ?? []) as THistoryEvent[]) {
        const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
        if (child) queue.push(child);
        const at = millisOf(e);
        if (at < w.sentAt) continue;
        const bucket = at <= w.answeredAt ? before : after;
        if (bucket === before) {
          const name = nameOf(e.eventType);
          lastBeforeAnswer = Math.max(lastBeforeAnswer, at);
          // A task's or activity's span on the path: from its scheduling to its completion (keyed per history).
          if (name === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED') {
            firstTaskAt = Math.min(firstTaskAt, at);
            opened.set(`${id}:wft`, at);
          } else if (name === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' && opened.has(`${id}:wft`)) {
            path.workflowTasks += at - opened.get(`${id}:wft`)!;
            opened.delete(`${id}:wft`);
          } else if (name === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') opened.set(`${id}:act:${String(e.eventId)}`, at);
          else if (name === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') {
            const key = `${id}:act:${String(e.activityTaskCompletedEventAttributes?.scheduledEventId)}`;
            if (opened.has(key)) path.activities += at - opened.get(key)!;
            opened.delete(key);
          }
        }
        if (!counted.has(bucket)) {
          bucket.workflows += 1;
          counted.add(bucket);
        }
        bucket.events += 1;
        const name = nameOf(e.eventType);
        for (const [kind, type] of Object.entries(KINDS) as Array<[keyof typeof KINDS, string]>) if (name === type) bucket[kind] += 1;
        if (name === 'EVENT_TYPE_MARKER_RECORDED' && e.markerRecordedEventAttributes?.markerName === 'core_local_activity') bucket.localActivities += 1;
      }
    }
    if (Number.isFinite(firstTaskAt)) path.toFirstWorkflowTask += firstTaskAt - w.sentAt;
    path.afterLastEvent += w.answeredAt - lastBeforeAnswer;
    path.total += w.answeredAt - w.sentAt;
  }
  const perDecision = (c: TTemporalCounts) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, per(v, windows.length)])) as TTemporalCounts;
  const pathMs = Object.fromEntries(Object.entries(path).map(([k, v]) => [k, per(v, windows.length)])) as unknown as TPathTimes;
  return { sampled: windows.length, pathMs, beforeAnswer: perDecision(before), afterAnswer: perDecision(after) };
}
