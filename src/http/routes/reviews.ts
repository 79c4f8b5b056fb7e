import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import type { TActor } from '../../domain/actor';
import {
  checkReviewAction,
  refusalToAppError,
  renderWrittenNotice,
  reviewMachine,
  ZDecidingBody,
  ZExclusion,
  ZReviewEvent,
  ZReviewInput,
  ZReviewSettings,
  ZTriggerType,
  type TReviewContext,
  type TReviewSnapshot,
} from '../../domain/fault-tolerance';
import { initialTransition } from 'xstate';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import type { Prisma } from '../../generated/prisma/client';
import {
  reviewActUpdate,
  reviewEventFor,
  reviewRoleRefusal,
  reviewStateQuery,
  reviewWorkflowId,
  type TReviewAction,
  type TReviewActResult,
  type TReviewWorkflowInput,
} from '../../../workflows/shared';

const requestId = z.string().trim().min(8).max(100);
const ZId = z.string().trim().min(1).max(200);

/** POST /api/reviews: an official applies (APPLY) or the deciding body opens the case (OPEN_BY_BODY). */
const ZOpenBody = z.object({
  requestId,
  opening: z.enum(['APPLY', 'OPEN_BY_BODY']),
  countyOrgUnitId: ZId,
  projectIds: z.array(ZId).min(1).max(50),
  concernedOfficials: z.array(z.object({ userId: ZId, post: z.string().trim().max(200).optional() })).min(1).max(50),
  matter: z.string().trim().min(1).max(5000),
  lossFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  triggerType: ZTriggerType,
  /** Epoch ms when the officials were notified of the grade, replacement, loss or accountability case. */
  notifiedAt: z.number().int().nonnegative(),
  decidingBody: ZDecidingBody,
  exclusions: z.array(ZExclusion).max(20).default([]),
  /** Approvers of the matter besides those on the projects' Decision records. */
  approverIds: z.array(ZId).max(100).default([]),
  settings: ZReviewSettings.optional(),
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

function canRead(actor: TActor, row: TCaseRow): boolean {
  return (
    row.concernedUserIds.includes(actor.userId) ||
    oversightCountyIds(actor).includes(row.countyId) ||
    bodyMembers(row.context as TReviewContext).includes(actor.userId)
  );
}

/** The machine event for an API action, validated by the machine's own Zod schema. */
function eventFromBody(action: { type: string }, actor: TActor) {
  const parsed = ZReviewEvent.safeParse(reviewEventFor(action, actor.userId, Date.now()));
  if (parsed.success) return parsed.data;
  throw new AppError(
    'VALIDATION_FAILED',
    'the event is invalid',
    parsed.error.issues.map((i) => ({ path: ['body', 'event', ...i.path.map(String)].join('.'), message: i.message })),
  );
}

const isClosedWorkflowError = (err: unknown) =>
  /completed|already finished|not found|WorkflowNotFound/i.test(`${(err as Error)?.name} ${(err as Error)?.message}`);

export async function reviewRoutes(app: FastifyInstance, { prisma, temporal, config }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

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
    const checked = checkReviewAction(snapshot, reviewEventFor(action, actor.userId, Date.now()));
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
    schema: { tags: ['reviews'], summary: 'Open a fault-tolerance review (容错纠错): an official applies, or the deciding body opens it', body: ZOpenBody },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const body = req.body;
    const again = await replayed(null, body.requestId, actor);
    if (again) return again;
    const county = await prisma.orgUnit.findUnique({ where: { id: body.countyOrgUnitId } });
    if (!county || county.level !== 'COUNTY') {
      throw new AppError('VALIDATION_FAILED', `unknown county ${body.countyOrgUnitId}`, [{ path: 'body.countyOrgUnitId', message: 'not a county' }]);
    }
    const userIds = body.concernedOfficials.map((o) => o.userId);
    const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } });
    const missing = userIds.findIndex((id) => !users.some((u) => u.id === id));
    if (missing >= 0) throw new AppError('VALIDATION_FAILED', `unknown user ${userIds[missing]}`, [{ path: `body.concernedOfficials.${missing}.userId`, message: 'unknown user' }]);
    // Everyone who approved a project under review may not judge it (conflict of interest).
    const approvals = await prisma.decision.findMany({ where: { projectId: { in: body.projectIds }, action: 'approve' }, select: { actorId: true } });
    const caseId = `FT-${crypto.createHash('sha256').update(`${actor.userId}:${body.requestId}`).digest('hex').slice(0, 16)}`;
    const parsedInput = ZReviewInput.safeParse({
      case: {
        caseId,
        county: county.name,
        projectIds: body.projectIds,
        concernedOfficials: body.concernedOfficials.map((o) => ({ userId: o.userId, name: users.find((u) => u.id === o.userId)!.displayName, ...(o.post ? { post: o.post } : {}) })),
        matter: body.matter,
        lossFen: body.lossFen,
        triggerType: body.triggerType,
        notifiedAt: body.notifiedAt,
      },
      ...(body.settings ? { settings: body.settings } : {}),
      exclusions: body.exclusions,
      fundViolationFlags: [],
      approverIds: [...new Set([...body.approverIds, ...approvals.map((a) => a.actorId)])],
      decidingBody: { ...body.decidingBody, orgUnitId: body.decidingBody.orgUnitId ?? county.id },
    });
    if (!parsedInput.success) {
      throw new AppError('VALIDATION_FAILED', 'the case is invalid', parsedInput.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })));
    }
    const input: TReviewWorkflowInput = { review: parsedInput.data, countyId: county.id, countyOrgPath: county.path };
    const action = { type: body.opening } as TReviewAction;
    // The opening is checked before anything starts, with the same rules the workflow applies.
    const role = reviewRoleRefusal(actor, action.type, { countyOrgPath: county.path, concernedUserIds: userIds });
    if (role) throw new AppError(role.code, role.message, [{ path: role.field, message: role.message }]);
    const [initial] = initialTransition(reviewMachine, input.review);
    const checked = checkReviewAction(initial as TReviewSnapshot, eventFromBody(action, actor));
    if (!checked.ok) throw refusalToAppError(checked);
    const workflowId = reviewWorkflowId(caseId);
    await temporal.workflow
      .start('faultToleranceReview', { workflowId, taskQueue: config.temporal.taskQueue, args: [input] })
      .catch((err) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
    const result = await temporal.workflow.getHandle(workflowId).executeUpdate(reviewActUpdate, {
      args: [{ requestId: body.requestId, actor, action }],
      updateId: body.requestId,
    });
    return reply.code(201).send({ ...result, workflowId });
  });

  r.post('/api/reviews/:id/actions', {
    schema: {
      tags: ['reviews'],
      summary: 'Act on a review: ACCEPT, REFUSE, RECORD_FINDING, RECORD_EXCLUSION, COMPLETE_INVESTIGATION, CAST_VOTE, CALL_REVOTE, DECIDE, SERVE_NOTICE, PUBLICISE_AND_FILE, APPEAL, OPEN_APPEAL_REVIEW',
      params: ZCaseParams,
      body: ZActionBody,
    },
  }, async (req) => {
    const actor = requireActor(req);
    const { id } = req.params;
    const again = await replayed(id, req.body.requestId, actor);
    if (again) return again;
    const row = await prisma.reviewCase.findUnique({ where: { id } });
    if (!row || !canRead(actor, row)) throw new AppError('NOT_FOUND', `no review case ${id}`, [{ path: 'params.id', message: 'not found' }]);
    eventFromBody(req.body.event, actor);
    const action = req.body.event as unknown as TReviewAction;
    const county = await prisma.orgUnit.findUniqueOrThrow({ where: { id: row.countyId } });
    if (row.closedAt) refuseOnFinalCase(row, actor, action, county.path);
    try {
      return await temporal.workflow.getHandle(row.workflowId).executeUpdate(reviewActUpdate, {
        args: [{ requestId: req.body.requestId, actor, action }],
        updateId: req.body.requestId,
      });
    } catch (err) {
      if (!isClosedWorkflowError(err)) throw err;
      // The case closed (a window's timer) between the read and the update: answer from the record.
      const now = await prisma.reviewCase.findUniqueOrThrow({ where: { id } });
      return refuseOnFinalCase(now, actor, action, county.path);
    }
  });

  r.get('/api/reviews', {
    schema: { tags: ['reviews'], summary: 'Review cases I may see: about me, or of a county I oversee', querystring: ZListQuery },
  }, async (req) => {
    const actor = requireActor(req);
    const { stage, mine, page, pageSize } = req.query;
    const where: Prisma.ReviewCaseWhereInput = {
      AND: [visibleWhere(actor), ...(stage ? [{ stage }] : []), ...(mine ? [{ concernedUserIds: { has: actor.userId } }] : [])],
    };
    const [items, total] = await Promise.all([
      prisma.reviewCase.findMany({
        where,
        orderBy: { openedAt: 'desc' },
        skip: (page - 1) * pageSize,
        take: pageSize,
        select: { id: true, workflowId: true, stage: true, outcome: true, county: true, projectIds: true, concernedOfficials: true, matter: true, triggerType: true, openedById: true, openedAt: true, decidedAt: true, closedAt: true },
      }),
      prisma.reviewCase.count({ where }),
    ]);
    return { items, total, page, pageSize };
  });

  r.get('/api/reviews/:id', {
    schema: { tags: ['reviews'], summary: 'A review case: the record, every applied action, and the live workflow state', params: ZCaseParams },
  }, async (req) => {
    const actor = requireActor(req);
    const row = await loadCase(actor, req.params.id);
    const actions = await prisma.reviewAction.findMany({ where: { caseId: row.id }, orderBy: { seq: 'asc' } });
    const live = row.closedAt
      ? null
      : await temporal.workflow.getHandle(row.workflowId).query(reviewStateQuery).then((s) => ({ stage: s.stage, seq: s.seq, outcome: s.outcome, applicationClosesAt: s.applicationClosesAt, appealClosesAt: s.appealClosesAt }), () => null);
    return { case: row, actions, live };
  });

  r.get('/api/reviews/:id/notice', {
    schema: { tags: ['reviews'], summary: 'The written notice (书面反馈) of the latest decision, printable Chinese HTML', params: ZCaseParams },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const row = await loadCase(actor, req.params.id);
    const html = renderWrittenNotice(row.context as TReviewContext);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(html);
  });

  const loadOfficial = async (actor: TActor, userId: string, forWrite: boolean) => {
    const allowed = forWrite ? actor.roles.some((g) => g.role === 'ADMIN') : actor.userId === userId || oversightCountyIds(actor).length > 0;
    if (!allowed) throw new AppError(forWrite ? 'ROLE_NOT_ALLOWED' : 'FORBIDDEN', forWrite ? 'recording honours needs the ADMIN role' : 'only the official and oversight roles see this record');
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, displayName: true } });
    if (!user) throw new AppError('NOT_FOUND', `no user ${userId}`, [{ path: 'params.userId', message: 'not found' }]);
    return user;
  };

  r.get('/api/officials/:userId/record', {
    schema: { tags: ['reviews'], summary: "An official's record: final review outcomes (结果运用) and honours", params: ZUserParams },
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
    const now = Date.now();
    return {
      official: user,
      reviews: reviews.map((rec) => ({
        ...rec,
        // Does the matter still count against the official today (appraisal, promotion, honours)?
        adverseNow: rec.outcome === 'NOT_EXEMPT' || (rec.outcome === 'LENIENT' && rec.impactPeriodEndsAt !== null && now < rec.impactPeriodEndsAt.getTime()),
      })),
      honours,
    };
  });

  r.post('/api/officials/:userId/honours', {
    schema: {
      tags: ['reviews'],
      summary: 'Record an honour (表彰奖励) for an official of a project (ADMIN). The 优 grade check awaits the evaluation stage.',
      params: ZUserParams,
      body: ZHonourBody,
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const user = await loadOfficial(actor, req.params.userId, true);
    const { projectId, title } = req.body;
    const project = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, proposerId: true, orgPath: true } });
    if (!project) throw new AppError('VALIDATION_FAILED', `unknown project ${projectId}`, [{ path: 'body.projectId', message: 'unknown project' }]);
    if (!actor.roles.some((g) => g.role === 'ADMIN' && project.orgPath.startsWith(g.orgPath))) {
      throw new AppError('OUT_OF_SCOPE', "the project is outside the administrator's scope", [{ path: 'body.projectId', message: 'out of scope' }]);
    }
    // "Officials of the project": its proposer or anyone who decided on it.
    // TODO(issue 5): require the project's evaluation grade 优 once the lifecycle records grades.
    const involved = project.proposerId === user.id || (await prisma.decision.count({ where: { projectId, actorId: user.id } })) > 0;
    if (!involved) throw new AppError('VALIDATION_FAILED', `${user.id} is not an official of project ${projectId}`, [{ path: 'params.userId', message: 'not involved in the project' }]);
    const earlier = await prisma.honour.findUnique({ where: { requestId: req.body.requestId } });
    if (earlier) return { ...earlier, replayed: true };
    const honour = await prisma.$transaction(async (tx) => {
      const existing = await tx.honour.findUnique({ where: { officialId_projectId_title: { officialId: user.id, projectId, title } } });
      if (existing) throw new AppError('CONFLICT', 'this honour is already recorded', [{ path: 'body.title', message: 'duplicate' }]);
      const created = await tx.honour.create({ data: { officialId: user.id, projectId, title, awardedBy: actor.userId, requestId: req.body.requestId } });
      await tx.auditEvent.create({
        data: { eventKey: `honour:${req.body.requestId}`, actorId: actor.userId, role: 'ADMIN', action: 'HONOUR_AWARDED', entityType: 'Honour', entityId: created.id, requestId: req.body.requestId, details: { officialId: user.id, projectId, title } },
      });
      return created;
    });
    return reply.code(201).send(honour);
  });
}
