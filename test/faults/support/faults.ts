import { expect } from 'vitest';
import type { TPrisma } from '../../../src/db/prisma';
import { projectStateQuery } from '../../../workflows/messages/project';
import { newRequestId, sampleProposal, type TTestStack } from '../../support/stack';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A call to the in-process API as a demo user. */
export const call = (s: Pick<TTestStack, 'app' | 'tokens'>, who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  s.app.inject({ method, url, payload, headers: { authorization: `Bearer ${s.tokens[who]}` } });

export const decisionUrl = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/decision`;

/** The village proposes a project; it waits in the township review (the stack's publicity is 0 days). */
export async function propose(s: Pick<TTestStack, 'app' | 'tokens'>, name: string) {
  const res = await call(s, 'village', 'POST', '/api/projects', { ...sampleProposal({ name }), requestId: newRequestId() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { projectId: string; workflowId: string; stage: string; taskId: string };
}

/** How many tasks are open once a project has settled in a stage (countersign: agriculture and finance). */
const OPEN_TASKS = { TOWNSHIP_REVIEW: 1, COUNTY_JOINT_REVIEW: 2, IN_POOL: 0 } as const;

/**
 * Waits until the workflow and the database agree on where the project is: the stage the query
 * reports is the row's, and its open tasks (as many as the stage has once settled: not the moment
 * between the stage change and its step's first tasks) are exactly the PENDING Task rows. Returns
 * what they agree on.
 */
export async function agreement(s: Pick<TTestStack, 'client'>, prisma: TPrisma, projectId: string, stage: keyof typeof OPEN_TASKS, timeout = 30_000) {
  const look = async () => {
    const project = await prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const live = await s.client.workflow.getHandle(project.workflowId).query(projectStateQuery);
    const pending = await prisma.task.findMany({ where: { projectId, status: 'PENDING' }, select: { id: true }, orderBy: { id: 'asc' } });
    return {
      workflow: { stage: live.stage, openTaskIds: live.openTasks.map((t) => t.id).sort() },
      database: { stage: project.stage, openTaskIds: pending.map((t) => t.id) },
    };
  };
  await expect
    .poll(
      async () => {
        const seen = await look();
        return (
          seen.workflow.stage === stage &&
          seen.workflow.openTaskIds.length === OPEN_TASKS[stage] &&
          JSON.stringify(seen.workflow) === JSON.stringify(seen.database)
        );
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return (await look()).database;
}

/** How many Decision and AuditEvent rows one client request left. */
export async function rowsOfRequest(prisma: TPrisma, requestId: string) {
  return {
    decisions: await prisma.decision.count({ where: { requestId } }),
    auditEvents: await prisma.auditEvent.count({ where: { requestId } }),
  };
}

/**
 * Everything recorded about a project, with its id and the request ids taken out, so that a
 * project that went through a fault can be compared with one that went the same way without:
 * a lost or doubled write shows as a difference.
 */
export async function recordOf(prisma: TPrisma, projectId: string) {
  const norm = (v: string | null) => v?.split(projectId).join('<P>') ?? null;
  const [project, tasks, decisions, audits, publicities] = await Promise.all([
    prisma.project.findUniqueOrThrow({ where: { id: projectId } }),
    prisma.task.findMany({ where: { projectId } }),
    prisma.decision.findMany({ where: { projectId } }),
    prisma.auditEvent.findMany({ where: { entityId: { contains: projectId } } }),
    prisma.publicity.findMany({ where: { projectId } }),
  ]);
  const sorted = (rows: string[]) => rows.sort();
  return {
    stage: project.stage,
    tasks: sorted(tasks.map((t) => [norm(t.id), t.kind, t.status, t.outcome, t.candidateRole].join(' '))),
    decisions: sorted(decisions.map((d) => [norm(d.taskId), d.action, d.actorId, d.stageBefore, d.stageAfter, norm(d.nextTaskId)].join(' '))),
    auditEvents: sorted(audits.map((a) => [a.action, a.entityType, norm(a.entityId), a.actorId].join(' '))),
    publicities: sorted(publicities.map((p) => [norm(p.id), p.kind, p.outcome].join(' '))),
  };
}

/** Attempts of each started activity of a type in a workflow's history (a retried one shows > 1). */
export async function activityAttempts(s: Pick<TTestStack, 'client'>, workflowId: string, activityType: string): Promise<number[]> {
  const { events } = await s.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts: number[] = [];
  for (const e of events ?? []) {
    if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activityType) attempts.push(started.attempt ?? 1);
  }
  return attempts;
}
