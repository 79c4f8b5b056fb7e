import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { ZAmountOrZeroFen } from '../../domain/policies/money';
import type { TActor } from '../../domain/actor';
import {
  checkReviewAction,
  refuse,
  refusalToAppError,
  renderWrittenNotice,
  reviewMachine,
  ZExclusion,
  ZReviewEvent,
  ZTriggerType,
  CORRECTIVE_MEASURE_TASK_KIND,
  isStoredOutcomeAdverseAt,
  MEASURE_ROLE_BY_LEVEL,
  measureTaskId,
  type TCorrectiveMeasure,
  type TReviewContext,
  type TReviewSnapshot,
} from '../../domain/fault-tolerance';
import { initialTransition } from 'xstate';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';
import { ZCaseDetail, ZCaseRow, ZEligibility, ZHonourResult, ZMeasureDone, ZOfficialRecord, ZOpeningOptions, ZReviewActResult } from '../schemas/review-bodies';
import type { Prisma } from '../../generated/prisma/client';
import {
  reviewActUpdate,
  reviewEventFor,
  reviewRoleRefusal,
  reviewStateQuery,
  reviewWorkflowId,
  type TReviewAction,
  type TReviewActResult,
} from '../../../workflows/shared';
import { valueWithin } from '../value-within';
import { createReviewOpening, decidingRoleHolders } from '../../../activities/review-opening';
import { createHonourRecording } from '../../../activities/review-honours';
import { deploymentSettings } from '../../domain/policies/settings';

const requestId = z.string().trim().min(8).max(100);
const ZId = z.string().trim().min(1).max(200);

/**
 * POST /api/reviews: an official applies (APPLY) or the deciding body opens the case (OPEN_BY_BODY).
 * An application may reference the official's eligibility (可申请容错纠错, written when a project's
 * 差 grade or replacement was approved): the project, the county, the trigger, the notification
 * time and the window then come from that record, and the case, the projects and the official
 * need not be repeated. Without the reference, an application about a project for which the
 * official holds eligibilities of the same trigger uses the latest of them the same way; only
 * cases with no such record (a loss, an accountability case, a project from before Bangfu) rest
 * on the notifiedAt the client sends.
 */
/**
 * Fields an opener may not send: the deciding body, its rules and the people in conflict are the
 * system's (activities/review-opening.ts). A request that still names one is refused, naming it,
 * rather than silently ignored, so a client written against the old API learns it was not used.
 */
const SYSTEM_CHOSEN: Record<string, string> = {
  decidingBody: "the deciding body is drawn from the county's holders of the deciding roles",
  settings: "the windows, quorum and majority are the county's settings (faultTolerance, collectiveDecision)",
  approverIds: "the approvers who may not judge the case come from the projects' records",
};
const ZOpenBody = z
  .looseObject({
    requestId,
    opening: z.enum(['APPLY', 'OPEN_BY_BODY']),
    /** ReviewEligibility id from GET /api/review-eligibilities (APPLY only). */
    eligibilityId: ZId.optional(),
    countyOrgUnitId: ZId.optional(),
    projectIds: z.array(ZId).min(1).max(50).optional(),
    concernedOfficials: z.array(z.object({ userId: ZId, post: z.string().trim().max(200).optional() })).min(1).max(50).optional(),
    matter: z.string().trim().min(1).max(5000),
    // The documented maximum of every money input. The workflow's ZReviewCase keeps the wider
    // bound: it re-parses the recorded input of cases already open on every replay.
    lossFen: ZAmountOrZeroFen,
    triggerType: ZTriggerType.optional(),
    /** Epoch ms when the officials were notified of the grade, replacement, loss or accountability case. */
    notifiedAt: z.number().int().nonnegative().optional(),
    exclusions: z.array(ZExclusion).max(20).default([]),
  })
  .superRefine((body, ctx) => {
    for (const [field, why] of Object.entries(SYSTEM_CHOSEN)) {
      if (field in body) ctx.addIssue({ code: 'custom', path: [field], message: `${field} may not be sent: ${why}` });
    }
    if (body.eligibilityId !== undefined) return;
    for (const field of ['countyOrgUnitId', 'projectIds', 'concernedOfficials', 'triggerType'] as const) {
      if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required unless eligibilityId is given` });
    }
  });

/** POST /api/reviews/:id/actions: the machine event without who and when (the server fills them in). */
const ZActionBody = z.object({
  requestId,
  event: z.looseObject({ type: z.string().trim().min(1).max(60) }),
});

const ZCaseParams = z.object({ id: ZId });
const ZUserParams = z.object({ userId: ZId });
const ZListQuery = z.object({
  stage: z.string().max(60).optional(),
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const ZMeasureParams = z.object({ id: ZId, measureId: ZId });
const ZMeasureDoneBody = z.object({
  requestId,
  /** What was done (整改情况). */
  note: z.string().trim().min(1).max(5000),
  evidence: z.array(z.string().trim().min(1).max(2000)).max(50).default([]),
});
const ZEligibilityQuery = ZPageQuery.extend({
  projectId: ZId.optional(),
  open: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
const ZOpeningOptionsQuery = z.object({ projectId: ZId.optional(), countyOrgUnitId: ZId.optional() });
const ZHonourBody = z.object({
  requestId,
  projectId: ZId,
  title: z.string().trim().min(1).max(200),
});

/** Roles that see every case of their county: the deciding body, the leading group, administrators. */
const OVERSIGHT_ROLES = new Set(['DISCIPLINE_INSPECTION', 'COUNTY_LEADING_GROUP', 'ADMIN']);

function oversightCountyIds(actor: TActor): string[] {
  return actor.roles.filter((g) => OVERSIGHT_ROLES.has(g.role)).map((g) => g.orgPath.split('/').filter(Boolean)[0]!);
}

function visibleWhere(actor: TActor): Prisma.ReviewCaseWhereInput {
  return { OR: [{ concernedUserIds: { has: actor.userId } }, { countyId: { in: oversightCountyIds(actor) } }] };
}

function bodyMembers(context: TReviewContext): string[] {
  return context.rounds.flatMap((r) => r.body.memberIds);
}

type TCaseRow = { id: string; countyId: string; concernedUserIds: string[]; context: unknown };

export function canRead(actor: TActor, row: TCaseRow): boolean {
  return (
    row.concernedUserIds.includes(actor.userId) ||
    oversightCountyIds(actor).includes(row.countyId) ||
    bodyMembers(row.context as TReviewContext).includes(actor.userId)
  );
}

/** The machine event for an API action, validated by the machine's own Zod schema. */
function eventFromBody(action: { type: string }, actor: TActor, at: number) {
  const parsed = ZReviewEvent.safeParse(reviewEventFor(action, actor.userId, at));
  if (parsed.success) return parsed.data;
  throw new AppError(
    'VALIDATION_FAILED',
    'the event is invalid',
    parsed.error.issues.map((i) => ({ path: ['body', 'event', ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/**
 * Sample contents for probing whether an action is open to the caller now (GET /api/reviews/:id,
 * mayAct): the machine is asked with these; a refusal about the contents alone (VALIDATION_FAILED,
 * EXEMPTION_NOT_JUSTIFIED) still means the caller may take the action with other contents.
 */
const ACTION_PROBES: Record<string, Record<string, unknown>> = {
  ACCEPT: {},
  REFUSE: { reasons: ['—'] },
  RECORD_FINDING: { criterion: 'FORCE_MAJEURE', value: 'UNCLEAR', evidence: [] },
  RECORD_EXCLUSION: { exclusion: { kind: 'SERIOUS_INCIDENT', description: '—' } },
  COMPLETE_INVESTIGATION: {},
  CAST_VOTE: { choice: 'NOT_EXEMPT' },
  CALL_REVOTE: {},
  DECIDE: {},
  SERVE_NOTICE: {},
  PUBLICISE_AND_FILE: {},
  APPEAL: { grounds: '—' },
  OPEN_APPEAL_REVIEW: { body: { name: '—', level: 'PROVINCE', memberIds: ['—'] } },
};
const CONTENT_REFUSALS = new Set(['VALIDATION_FAILED', 'EXEMPTION_NOT_JUSTIFIED']);

/** The actions the caller may take on the case now: role, state and person, as the workflow would check them. */
function actionsOpenTo(actor: TActor, row: { stage: string; context: unknown; concernedUserIds: string[] }, countyOrgPath: string, at: number): string[] {
  const snapshot = reviewMachine.resolveState({ value: row.stage, context: row.context as TReviewContext }) as TReviewSnapshot;
  return Object.entries(ACTION_PROBES)
    .filter(([type, probe]) => {
      if (reviewRoleRefusal(actor, type, { countyOrgPath, concernedUserIds: row.concernedUserIds })) return false;
      const checked = checkReviewAction(snapshot, reviewEventFor({ type, ...probe }, actor.userId, at));
      return checked.ok || CONTENT_REFUSALS.has(checked.code);
    })
    .map(([type]) => type);
}

/**
 * The Update id names the actor: Temporal answers a repeated Update id with the first Update's
 * result without running the validator, so a bare requestId reused by a second user would hand
 * them the first user's result. With the actor in it, only the same user's retry is deduplicated.
 */
const reviewUpdateId = (actor: TActor, rid: string) => `${actor.userId}:${rid}`.slice(0, 255);

const isClosedWorkflowError = (err: unknown) =>
  /completed|already finished|not found|WorkflowNotFound/i.test(`${(err as Error)?.name} ${(err as Error)?.message}`);

export async function reviewRoutes(app: FastifyInstance, { prisma, temporal, config, clock, countySettings }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = clock ?? Date.now;
  const honours = createHonourRecording({ prisma });
  const opening = createReviewOpening({ prisma, countyDefaults: deploymentSettings(countySettings).defaults });

  const loadCase = async (actor: TActor, id: string) => {
    const row = await prisma.reviewCase.findUnique({ where: { id } });
    if (!row || !canRead(actor, row)) throw new AppError('NOT_FOUND', `no review case ${id}`, [{ path: 'params.id', message: 'not found' }]);
    return row;
  };

  /** Refusal for an action on a case whose workflow has ended: the stored final state answers. */
  const refuseOnFinalCase = (row: TCaseRow & { stage: string; county: string }, actor: TActor, action: { type: string }, countyOrgPath: string): never => {
    const role = reviewRoleRefusal(actor, action.type, { countyOrgPath, concernedUserIds: row.concernedUserIds });
    if (role) throw new AppError(role.code, role.message, [{ path: role.field, message: role.message }]);
    const snapshot = reviewMachine.resolveState({ value: row.stage, context: row.context as TReviewContext }) as TReviewSnapshot;
    const checked = checkReviewAction(snapshot, reviewEventFor(action, actor.userId, now()));
    if (!checked.ok) throw refusalToAppError(checked);
    throw new AppError('TRANSITION_NOT_ALLOWED', `the case is closed (${row.stage})`);
  };

  const replayed = async (id: string | null, rid: string, actor: TActor) => {
    const earlier = await prisma.reviewAction.findUnique({ where: { requestId: rid } });
    if (!earlier) return null;
    if ((id !== null && earlier.caseId !== id) || earlier.actorId !== actor.userId) {
      throw new AppError('DUPLICATE_REQUEST', 'this requestId was already used for another action', [{ path: 'body.requestId', message: 'reused' }]);
    }
    const c = await prisma.reviewCase.findUniqueOrThrow({ where: { id: earlier.caseId } });
    const result: TReviewActResult = {
      requestId: rid,
      caseId: earlier.caseId,
      type: earlier.type,
      seq: earlier.seq,
      stageBefore: earlier.stageBefore,
      stageAfter: earlier.stageAfter,
      outcome: (c.outcome as TReviewActResult['outcome']) ?? null,
    };
    return { ...result, replayed: true };
  };

  r.post('/api/reviews', {
    schema: { tags: ['reviews'], summary: 'Open a fault-tolerance review (容错纠错): an official applies (optionally with an eligibility), or the deciding body opens it. The deciding body, its rules and the approvers come from the county, never from the request', body: ZOpenBody, response: { 201: ZReviewActResult, 200: ZReviewActResult } },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const body = req.body;
    const again = await replayed(null, body.requestId, actor);
    if (again) return again;
    const action = { type: body.opening } as TReviewAction;
    // The opening is checked before anything starts, with the same rules the workflow applies.
    const authorise = (c: { countyOrgPath: string; concernedUserIds: string[] }) => {
      const role = reviewRoleRefusal(actor, action.type, c);
      if (role) throw new AppError(role.code, role.message, [{ path: role.field, message: role.message }]);
    };
    const { caseId, input } = await opening.reviewCaseInput({ openerId: actor.userId, body, now: now(), authorise });
    const [initial] = initialTransition(reviewMachine, input.review);
    const checked = checkReviewAction(initial as TReviewSnapshot, eventFromBody(action, actor, now()));
    if (!checked.ok) throw refusalToAppError(checked);
    const workflowId = reviewWorkflowId(caseId);
    await temporal.workflow
      .start('faultToleranceReview', { workflowId, taskQueue: config.temporal.taskQueue, args: [input] })
      .catch((err) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
    const result = await temporal.workflow.getHandle(workflowId).executeUpdate(reviewActUpdate, {
      args: [{ requestId: body.requestId, actor, action }],
      updateId: reviewUpdateId(actor, body.requestId),
    });
    return reply.code(201).send({ ...result, workflowId });
  });

  /**
   * A decision's corrective measures with their inbox settled: a named org unit must lie in the
   * case's county, and the role that holds its inbox is the decision's or follows from the unit's
   * level (a county unit has many departments, so there the decision must name one). A measure
   * naming no unit is tracked by the deciding body (corrective-measure-tasks.ts).
   */
  const withResponsibleUnits = async (measures: TCorrectiveMeasure[], countyPath: string): Promise<TCorrectiveMeasure[]> => {
    const resolved: TCorrectiveMeasure[] = [];
    for (const [i, m] of measures.entries()) {
      if (m.responsibleOrgUnitId === undefined) {
        resolved.push(m);
        continue;
      }
      const path = `body.event.correctiveMeasures.${i}`;
      const unit = await prisma.orgUnit.findUnique({ where: { id: m.responsibleOrgUnitId } });
      if (!unit || !unit.path.startsWith(countyPath)) {
        throw new AppError('VALIDATION_FAILED', `${m.responsibleOrgUnitId} is not an org unit of the case's county`, [{ path: `${path}.responsibleOrgUnitId`, message: 'not in the county' }]);
      }
      const role = m.responsibleRole ?? MEASURE_ROLE_BY_LEVEL[unit.level];
      if (!role) throw new AppError('VALIDATION_FAILED', `name the department (role) responsible at ${unit.name}`, [{ path: `${path}.responsibleRole`, message: 'required for a county unit' }]);
      resolved.push({ ...m, responsibleRole: role });
    }
    return resolved;
  };

  /**
   * OPEN_APPEAL_REVIEW with the appeal body the system constitutes (deciding-body.ts): the sender
   * names nobody. Formed only while the case awaits it, and after the role check, so a refusal
   * about the body never hides that the action was not the caller's or not due.
   */
  const withAppealBody = async (actor: TActor, sent: { type: string; [k: string]: unknown }, row: TCaseRow & { stage: string }, countyPath: string) => {
    if ('body' in sent) throw new AppError('VALIDATION_FAILED', `body may not be sent: ${SYSTEM_CHOSEN.decidingBody}`, [{ path: 'body.event.body', message: 'chosen by the system' }]);
    const role = reviewRoleRefusal(actor, sent.type, { countyOrgPath: countyPath, concernedUserIds: row.concernedUserIds });
    if (role) throw new AppError(role.code, role.message, [{ path: role.field, message: role.message }]);
    if (row.stage !== 'appeal') {
      const snapshot = reviewMachine.resolveState({ value: row.stage, context: row.context as TReviewContext }) as TReviewSnapshot;
      const checked = checkReviewAction(snapshot, reviewEventFor({ ...sent, ...ACTION_PROBES.OPEN_APPEAL_REVIEW }, actor.userId, now()));
      throw refusalToAppError(checked.ok ? refuse('TRANSITION_NOT_ALLOWED', `no appeal awaits review (${row.stage})`) : checked);
    }
    return { ...sent, body: await opening.appealBody({ countyId: row.countyId, context: row.context as TReviewContext }) };
  };

  r.post('/api/reviews/:id/actions', {
    schema: {
      tags: ['reviews'],
      summary: 'Act on a review: ACCEPT, REFUSE, RECORD_FINDING, RECORD_EXCLUSION, COMPLETE_INVESTIGATION, CAST_VOTE, CALL_REVOTE, DECIDE, SERVE_NOTICE, PUBLICISE_AND_FILE, APPEAL, OPEN_APPEAL_REVIEW',
      params: ZCaseParams,
      body: ZActionBody,
      response: { 200: ZReviewActResult },
    },
  }, async (req) => {
    const actor = requireActor(req);
    const { id } = req.params;
    const again = await replayed(id, req.body.requestId, actor);
    if (again) return again;
    const row = await prisma.reviewCase.findUnique({ where: { id } });
    if (!row || !canRead(actor, row)) throw new AppError('NOT_FOUND', `no review case ${id}`, [{ path: 'params.id', message: 'not found' }]);
    const county = await prisma.orgUnit.findUniqueOrThrow({ where: { id: row.countyId } });
    const sent = req.body.event.type === 'OPEN_APPEAL_REVIEW' ? await withAppealBody(actor, req.body.event, row, county.path) : req.body.event;
    const event = eventFromBody(sent, actor, now());
    const action = (
      event.type === 'DECIDE' ? { ...sent, correctiveMeasures: await withResponsibleUnits(event.correctiveMeasures, county.path) } : sent
    ) as unknown as TReviewAction;
    if (row.closedAt) refuseOnFinalCase(row, actor, action, county.path);
    try {
      return await temporal.workflow.getHandle(row.workflowId).executeUpdate(reviewActUpdate, {
        args: [{ requestId: req.body.requestId, actor, action }],
        updateId: reviewUpdateId(actor, req.body.requestId),
      });
    } catch (err) {
      if (!isClosedWorkflowError(err)) throw err;
      // The case closed (a window's timer) between the read and the update: answer from the record.
      const latest = await prisma.reviewCase.findUniqueOrThrow({ where: { id } });
      return refuseOnFinalCase(latest, actor, action, county.path);
    }
  });

  r.get('/api/reviews/opening-options', {
    schema: {
      tags: ['reviews'],
      summary: "What the form to open a case offers: the project's officials (proposer and approvers) and the county's deciding-body role holders",
      querystring: ZOpeningOptionsQuery,
      response: { 200: ZOpeningOptions },
    },
  }, async (req) => {
    const actor = requireActor(req);
    const { projectId } = req.query;
    const project = projectId ? await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, name: true, countyId: true, proposerId: true, orgPath: true } }) : null;
    if (projectId && (!project || !actor.roles.some((g) => project.orgPath.startsWith(g.orgPath)))) {
      throw new AppError('NOT_FOUND', `no project ${projectId} in your org units`, [{ path: 'querystring.projectId', message: 'not found' }]);
    }
    const countyId = project?.countyId ?? req.query.countyOrgUnitId ?? actor.roles.map((g) => g.orgPath.split('/').filter(Boolean)[0]!)[0];
    const county = countyId ? await prisma.orgUnit.findUnique({ where: { id: countyId }, select: { id: true, name: true, path: true, level: true } }) : null;
    if (!county || county.level !== 'COUNTY') return { project: null, county: null, officials: [], bodyCandidates: [] };
    const approvals = project ? await prisma.decision.findMany({ where: { projectId: project.id, action: 'approve' }, select: { actorId: true } }) : [];
    const officialIds = project ? [...new Set([project.proposerId, ...approvals.map((a) => a.actorId)])] : [];
    const bodyIds = [...new Set((await decidingRoleHolders(prisma, county.path)).map((h) => h.userId))];
    const people = await prisma.user.findMany({ where: { id: { in: [...officialIds, ...bodyIds] } }, select: { id: true, displayName: true }, orderBy: { id: 'asc' } });
    const named = (ids: string[]) => people.filter((p) => ids.includes(p.id)).map((p) => ({ userId: p.id, displayName: p.displayName }));
    return {
      project: project ? { id: project.id, name: project.name } : null,
      county: { id: county.id, name: county.name },
      officials: named(officialIds),
      bodyCandidates: named(bodyIds),
    };
  });

  r.get('/api/reviews', {
    schema: { tags: ['reviews'], summary: 'Review cases I may see: about me, or of a county I oversee', querystring: ZListQuery, response: { 200: ZPage(ZCaseRow) } },
  }, async (req) => {
    const actor = requireActor(req);
    const { stage, mine, page, pageSize } = req.query;
    const where: Prisma.ReviewCaseWhereInput = {
      AND: [visibleWhere(actor), ...(stage ? [{ stage }] : []), ...(mine ? [{ concernedUserIds: { has: actor.userId } }] : [])],
    };
    const [items, total] = await Promise.all([
      prisma.reviewCase.findMany({
        where,
        // The id breaks ties (cases opened in the same instant): pages never overlap or skip.
        orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        select: { id: true, workflowId: true, stage: true, outcome: true, county: true, projectIds: true, concernedOfficials: true, matter: true, triggerType: true, openedById: true, openedAt: true, decidedAt: true, closedAt: true },
      }),
      prisma.reviewCase.count({ where }),
    ]);
    return { items, total, page, pageSize };
  });

  r.get('/api/reviews/:id', {
    schema: { tags: ['reviews'], summary: 'A review case: the record, every applied action, and the live workflow state', params: ZCaseParams, response: { 200: ZCaseDetail } },
  }, async (req) => {
    const actor = requireActor(req);
    const row = await loadCase(actor, req.params.id);
    const [actions, measureTasks] = await Promise.all([
      prisma.reviewAction.findMany({ where: { caseId: row.id }, orderBy: { seq: 'asc' } }),
      prisma.task.findMany({ where: { workflowId: row.workflowId, kind: CORRECTIVE_MEASURE_TASK_KIND }, orderBy: { dueAt: 'asc' } }),
    ]);
    const at = now();
    const measures = measureTasks.map((t) => ({
      measureId: t.stepKey.replace(/^measure:/, ''),
      taskId: t.id,
      title: t.title,
      candidateRole: t.candidateRole,
      candidateOrgUnitId: t.candidateOrgUnitId,
      status: t.status,
      dueAt: t.dueAt,
      completedAt: t.completedAt,
      completedBy: t.assigneeId,
      overdue: t.dueAt !== null && (t.completedAt ?? new Date(at)) > t.dueAt,
      // The inbox the task is in (its role over its org unit): who may complete it.
      mayComplete: t.status === 'PENDING' && actor.roles.some((g) => g.role === t.candidateRole && t.candidateOrgPath?.startsWith(g.orgPath)),
    }));
    const county = await prisma.orgUnit.findUniqueOrThrow({ where: { id: row.countyId }, select: { path: true } });
    const mayAct = actionsOpenTo(actor, row, county.path, at);
    const live = row.closedAt
      ? null
      : await valueWithin(
          temporal.workflow.getHandle(row.workflowId).query(reviewStateQuery).then((s) => ({ stage: s.stage, seq: s.seq, outcome: s.outcome, applicationClosesAt: s.applicationClosesAt, appealClosesAt: s.appealClosesAt })),
          3_000,
          null,
        );
    return { case: row, actions, measures, live, mayAct };
  });

  r.get('/api/reviews/:id/notice', {
    schema: { tags: ['reviews'], summary: 'The written notice (书面反馈) of the latest decision, printable Chinese HTML', params: ZCaseParams, response: { 200: { description: 'an HTML document', content: { 'text/html': { schema: z.string() } } } } },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const row = await loadCase(actor, req.params.id);
    const html = renderWrittenNotice(row.context as TReviewContext);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(html);
  });

  r.post('/api/reviews/:id/measures/:measureId/complete', {
    schema: {
      tags: ['reviews'],
      summary: 'Complete a corrective measure (纠错整改) of a final review outcome: its task, in the responsible org unit\'s inbox, is done',
      params: ZMeasureParams,
      body: ZMeasureDoneBody,
      response: { 200: ZMeasureDone },
    },
  }, async (req) => {
    const actor = requireActor(req);
    const { id, measureId } = req.params;
    const { requestId: rid, note, evidence } = req.body;
    const row = await prisma.reviewCase.findUnique({ where: { id }, select: { id: true, workflowId: true } });
    const task = row ? await prisma.task.findUnique({ where: { id: measureTaskId(row.workflowId, measureId) } }) : null;
    if (!row || !task || task.kind !== CORRECTIVE_MEASURE_TASK_KIND) {
      throw new AppError('NOT_FOUND', `no corrective measure ${measureId} in case ${id}`, [{ path: 'params.measureId', message: 'not found' }]);
    }
    // The inbox the task is in: its role, over its org unit, exactly as GET /api/tasks shows it.
    if (!actor.roles.some((g) => g.role === task.candidateRole && task.candidateOrgPath?.startsWith(g.orgPath))) {
      throw new AppError('NOT_A_CANDIDATE', `the measure is tracked by ${task.candidateRole} of ${task.candidateOrgUnitId}`, [{ path: 'actor.roles', message: 'not the responsible unit' }]);
    }
    const eventKey = `measure-done:${task.id}`;
    const answer = (t: { completedAt: Date | null; dueAt: Date | null; assigneeId: string | null }) => ({
      requestId: rid, caseId: row.id, measureId, taskId: task.id, status: 'DONE' as const, completedAt: t.completedAt, completedBy: t.assigneeId,
      overdue: t.dueAt !== null && t.completedAt !== null && t.completedAt > t.dueAt,
    });
    const earlier = await prisma.auditEvent.findUnique({ where: { eventKey } });
    if (earlier) {
      if (earlier.requestId !== rid || earlier.actorId !== actor.userId) {
        throw new AppError('TASK_NOT_PENDING', `measure ${measureId} was completed already`, [{ path: 'params.measureId', message: 'done' }]);
      }
      return { ...answer(await prisma.task.findUniqueOrThrow({ where: { id: task.id } })), replayed: true };
    }
    const at = new Date(now());
    const grant = actor.roles.find((g) => g.role === task.candidateRole && task.candidateOrgPath?.startsWith(g.orgPath))!;
    const done = await prisma.$transaction(async (tx) => {
      const changed = await tx.task.updateMany({ where: { id: task.id, status: 'PENDING' }, data: { status: 'DONE', outcome: 'COMPLETED', assigneeId: actor.userId, completedAt: at, updatedAt: at } });
      if (changed.count === 0) throw new AppError('TASK_NOT_PENDING', `measure ${measureId} is ${task.status.toLowerCase()}`, [{ path: 'params.measureId', message: task.status }]);
      await tx.auditEvent.create({
        data: {
          eventKey, at, actorId: actor.userId, role: grant.role, orgUnitId: grant.orgUnitId, action: 'CORRECTIVE_MEASURE_DONE', entityType: 'ReviewCase', entityId: row.id, requestId: rid, comment: note,
          details: { measureId, taskId: task.id, evidence, dueAt: task.dueAt?.toISOString() ?? null, overdue: task.dueAt !== null && at > task.dueAt },
        },
      });
      return tx.task.findUniqueOrThrow({ where: { id: task.id } });
    });
    return answer(done);
  });

  r.get('/api/review-eligibilities', {
    schema: { tags: ['reviews'], summary: 'My eligibilities to apply for a review (可申请容错纠错): project, trigger, until when, and the case once applied', querystring: ZEligibilityQuery, response: { 200: ZPage(ZEligibility) } },
  }, async (req) => {
    const actor = requireActor(req);
    const at = new Date(now());
    const where: Prisma.ReviewEligibilityWhereInput = {
      userId: actor.userId,
      ...(req.query.projectId ? { projectId: req.query.projectId } : {}),
      ...(req.query.open === true ? { caseId: null, closesAt: { gt: at } } : {}),
      ...(req.query.open === false ? { OR: [{ caseId: { not: null } }, { closesAt: { lte: at } }] } : {}),
    };
    const [items, total] = await Promise.all([
      prisma.reviewEligibility.findMany({ where, orderBy: [{ notifiedAt: 'desc' }, { id: 'asc' }], ...pageArgs(req.query) }),
      prisma.reviewEligibility.count({ where }),
    ]);
    return { items: items.map((e) => ({ ...e, open: e.caseId === null && at < e.closesAt })), total, page: req.query.page, pageSize: req.query.pageSize };
  });

  const loadOfficial = async (actor: TActor, userId: string, forWrite: boolean) => {
    const allowed = forWrite ? actor.roles.some((g) => g.role === 'ADMIN') : actor.userId === userId || oversightCountyIds(actor).length > 0;
    if (!allowed) throw new AppError(forWrite ? 'ROLE_NOT_ALLOWED' : 'FORBIDDEN', forWrite ? 'recording honours needs the ADMIN role' : 'only the official and oversight roles see this record');
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, displayName: true } });
    if (!user) throw new AppError('NOT_FOUND', `no user ${userId}`, [{ path: 'params.userId', message: 'not found' }]);
    return user;
  };

  r.get('/api/officials/:userId/record', {
    schema: { tags: ['reviews'], summary: "An official's record: final review outcomes (结果运用) and honours", params: ZUserParams, response: { 200: ZOfficialRecord } },
  }, async (req) => {
    const actor = requireActor(req);
    const user = await loadOfficial(actor, req.params.userId, false);
    const [reviews, honours] = await Promise.all([
      prisma.officialRecord.findMany({
        where: { officialId: user.id },
        orderBy: { decidedAt: 'desc' },
        include: { case: { select: { matter: true, county: true, projectIds: true, stage: true } } },
      }),
      prisma.honour.findMany({ where: { officialId: user.id }, orderBy: { awardedAt: 'desc' } }),
    ]);
    const at = now();
    return {
      official: user,
      reviews: reviews.map((rec) => ({
        ...rec,
        // Does the matter still count against the official today (appraisal, promotion, honours)?
        adverseNow: isStoredOutcomeAdverseAt({ ...rec, decidedAt: rec.decidedAt.getTime(), impactPeriodEndsAt: rec.impactPeriodEndsAt?.getTime() ?? null }, at),
      })),
      honours,
    };
  });

  r.post('/api/officials/:userId/honours', {
    schema: {
      tags: ['reviews'],
      summary: 'Record an honour (表彰奖励) for an official of a project whose latest approved evaluation is 优, while no review outcome counts against them (ADMIN)',
      params: ZUserParams,
      body: ZHonourBody,
      response: { 201: ZHonourResult, 200: ZHonourResult },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const user = await loadOfficial(actor, req.params.userId, true);
    const { projectId, title } = req.body;
    const project = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, proposerId: true, orgPath: true, latestGrade: true } });
    if (!project) throw new AppError('VALIDATION_FAILED', `unknown project ${projectId}`, [{ path: 'body.projectId', message: 'unknown project' }]);
    if (!actor.roles.some((g) => g.role === 'ADMIN' && project.orgPath.startsWith(g.orgPath))) {
      throw new AppError('OUT_OF_SCOPE', "the project is outside the administrator's scope", [{ path: 'body.projectId', message: 'out of scope' }]);
    }
    // "Officials of the project": its proposer or anyone who decided on it.
    const involved = project.proposerId === user.id || (await prisma.decision.count({ where: { projectId, actorId: user.id } })) > 0;
    if (!involved) throw new AppError('VALIDATION_FAILED', `${user.id} is not an official of project ${projectId}`, [{ path: 'params.userId', message: 'not involved in the project' }]);
    const { honour, replayed } = await honours.recordHonour({ officialId: user.id, project, title, awardedBy: actor.userId, requestId: req.body.requestId, at: now() });
    if (replayed) return { ...honour, replayed: true };
    return reply.code(201).send(honour);
  });
}
