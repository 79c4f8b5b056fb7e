import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { AppError, refusalToAppError } from '../../domain/errors';
import { ZAmountOrZeroFen, ZExclusion, ZReviewEvent, ZTriggerType } from '../../domain/zod-schemas';
import type { TActor } from '../../domain/actor';
import {
  actionsOpenTo,
  appealBodyRefusal,
  closedCaseRefusal,
  honourScopeRefusal,
  isStoredOutcomeAdverseAt,
  measureGrant,
  measureWithResponsibleRole,
  officialRecordRefusal,
  openingRefusal,
  renderWrittenNotice,
  type TNoticeNames,
  reviewRoleRefusal,
  reviewEventFor,
  type TCaseForActions,
  type TCorrectiveMeasure,
  type TReviewContext,
} from '../../domain/fault-tolerance';
import { sendPrintable, HTML_DOCUMENT_RESPONSE } from '../documents/printable';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import type { TPrisma } from '../../db/prisma';
import { ZPage, ZPageQuery } from '../pagination';
import { ZCaseDetail, ZCaseRow, ZEligibility, ZHonourResult, ZMeasureDone, ZOfficialRecord, ZOpeningOptions, ZReviewActResult } from '../schemas/review-bodies';
import { reviewActUpdate, reviewStateQuery, reviewWorkflowId } from '../../../workflows/messages/review';
import type { TReviewAction } from '../../domain/fault-tolerance/review-actions';
import { valueWithin } from '../value-within';
import { createReviewOpening } from '../../../activities/review-opening';
import { completeCorrectiveMeasure } from '../../db/complete-corrective-measure';
import {
  caseActionsAndMeasures,
  countyPathOfCase,
  isOfficialOfProject,
  listReviewCases,
  listReviewEligibilities,
  officialRecordOf,
  orgUnitsByIds,
  readableCase,
  replayedReviewAction,
} from '../../db/review-cases';
import { reviewOpeningOptions } from '../../db/review-opening-options';
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
    concernedOfficials: z
      .array(z.object({ userId: ZId, post: z.string().trim().max(200).optional() }))
      .min(1)
      .max(50)
      .optional(),
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
  mine: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
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
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
const ZOpeningOptionsQuery = z.object({ projectId: ZId.optional(), countyOrgUnitId: ZId.optional() });
const ZHonourBody = z.object({
  requestId,
  projectId: ZId,
  title: z.string().trim().min(1).max(200),
});

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

  /** Refusal for an action on a case whose workflow has ended: the stored final state answers. */
  const refuseOnClosedCase = (row: TCaseForActions, actor: TActor, action: { type: string }, countyOrgPath: string): never => {
    const refused = closedCaseRefusal(actor, row, action, countyOrgPath, now());
    throw refused ? refusalToAppError(refused) : new AppError('TRANSITION_NOT_ALLOWED', `the case is closed (${row.stage})`);
  };

  r.post(
    '/api/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary:
          'Open a fault-tolerance review (容错纠错): an official applies (optionally with an eligibility), or the deciding body opens it. The deciding body, its rules and the approvers come from the county, never from the request',
        body: ZOpenBody,
        response: { 201: ZReviewActResult, 200: ZReviewActResult },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const body = req.body;
      const again = await replayedReviewAction(prisma, null, body.requestId, actor);
      if (again) return again;
      const action = { type: body.opening } as TReviewAction;
      // The opening is checked before anything starts, with the same rules the workflow applies.
      const authorise = (c: { countyOrgPath: string; concernedUserIds: string[] }) => {
        const role = reviewRoleRefusal(actor, action.type, c);
        if (role) throw refusalToAppError(role);
      };
      const { caseId, input } = await opening.reviewCaseInput({ openerId: actor.userId, body, now: now(), authorise });
      const refused = openingRefusal(input.review, eventFromBody(action, actor, now()));
      if (refused) throw refusalToAppError(refused);
      const workflowId = reviewWorkflowId(caseId);
      await temporal.workflow.start('faultToleranceReview', { workflowId, taskQueue: config.temporal.taskQueue, args: [input] }).catch((err) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
      const result = await temporal.workflow.getHandle(workflowId).executeUpdate(reviewActUpdate, {
        args: [{ requestId: body.requestId, actor, action }],
        updateId: reviewUpdateId(actor, body.requestId),
      });
      return reply.code(201).send({ ...result, workflowId });
    },
  );

  /** A decision's corrective measures with their inbox settled (`measureWithResponsibleRole`). */
  const withResponsibleUnits = async (measures: TCorrectiveMeasure[], countyPath: string): Promise<TCorrectiveMeasure[]> => {
    const units = await orgUnitsByIds(
      prisma,
      measures.flatMap((m) => (m.responsibleOrgUnitId === undefined ? [] : [m.responsibleOrgUnitId])),
    );
    return measures.map((m, i) => {
      const settled = measureWithResponsibleRole(m, units.get(m.responsibleOrgUnitId ?? '') ?? null, countyPath, `body.event.correctiveMeasures.${i}`);
      if ('refusal' in settled) throw refusalToAppError(settled.refusal, settled.detail);
      return settled.measure;
    });
  };

  /** OPEN_APPEAL_REVIEW with the appeal body the system constitutes (deciding-body.ts): the sender names nobody. */
  const withAppealBody = async (
    actor: TActor,
    sent: { type: string; [k: string]: unknown },
    row: TCaseForActions & { countyId: string },
    countyPath: string,
  ) => {
    if ('body' in sent)
      throw new AppError('VALIDATION_FAILED', `body may not be sent: ${SYSTEM_CHOSEN.decidingBody}`, [
        { path: 'body.event.body', message: 'chosen by the system' },
      ]);
    const refused = appealBodyRefusal(actor, sent, row, countyPath, now());
    if (refused) throw refusalToAppError(refused);
    return { ...sent, body: await opening.appealBody({ countyId: row.countyId, context: row.context as TReviewContext }) };
  };

  r.post(
    '/api/reviews/:id/actions',
    {
      schema: {
        tags: ['reviews'],
        summary:
          'Act on a review: ACCEPT, REFUSE, RECORD_FINDING, RECORD_EXCLUSION, COMPLETE_INVESTIGATION, CAST_VOTE, CALL_REVOTE, DECIDE, SERVE_NOTICE, PUBLICISE_AND_FILE, APPEAL, OPEN_APPEAL_REVIEW',
        params: ZCaseParams,
        body: ZActionBody,
        response: { 200: ZReviewActResult },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { id } = req.params;
      const again = await replayedReviewAction(prisma, id, req.body.requestId, actor);
      if (again) return again;
      const row = await readableCase(prisma, actor, id);
      const countyPath = await countyPathOfCase(prisma, row);
      const sent = req.body.event.type === 'OPEN_APPEAL_REVIEW' ? await withAppealBody(actor, req.body.event, row, countyPath) : req.body.event;
      const event = eventFromBody(sent, actor, now());
      const action = (event.type === 'DECIDE'
        ? { ...sent, correctiveMeasures: await withResponsibleUnits(event.correctiveMeasures, countyPath) }
        : sent) as unknown as TReviewAction;
      if (row.closedAt) refuseOnClosedCase(row, actor, action, countyPath);
      try {
        return await temporal.workflow.getHandle(row.workflowId).executeUpdate(reviewActUpdate, {
          args: [{ requestId: req.body.requestId, actor, action }],
          updateId: reviewUpdateId(actor, req.body.requestId),
        });
      } catch (err) {
        if (!isClosedWorkflowError(err)) throw err;
        // The case closed (a window's timer) between the read and the update: answer from the record.
        const latest = await prisma.reviewCase.findUniqueOrThrow({ where: { id } });
        return refuseOnClosedCase(latest, actor, action, countyPath);
      }
    },
  );

  r.get(
    '/api/reviews/opening-options',
    {
      schema: {
        tags: ['reviews'],
        summary: "What the form to open a case offers: the project's officials (proposer and approvers) and the county's deciding-body role holders",
        querystring: ZOpeningOptionsQuery,
        response: { 200: ZOpeningOptions },
      },
    },
    async (req) => {
      return reviewOpeningOptions(prisma, requireActor(req), req.query);
    },
  );

  r.get(
    '/api/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Review cases I may see: about me, or of a county I oversee',
        querystring: ZListQuery,
        response: { 200: ZPage(ZCaseRow) },
      },
    },
    async (req) => {
      return listReviewCases(prisma, requireActor(req), req.query);
    },
  );

  r.get(
    '/api/reviews/:id',
    {
      schema: {
        tags: ['reviews'],
        summary: 'A review case: the record, every applied action, and the live workflow state',
        params: ZCaseParams,
        response: { 200: ZCaseDetail },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const row = await readableCase(prisma, actor, req.params.id);
      const { actions, measureTasks } = await caseActionsAndMeasures(prisma, row);
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
        mayComplete: t.status === 'PENDING' && measureGrant(actor, t) !== undefined,
      }));
      const mayAct = actionsOpenTo(actor, row, await countyPathOfCase(prisma, row), at);
      const live = row.closedAt
        ? null
        : await valueWithin(
            temporal.workflow
              .getHandle(row.workflowId)
              .query(reviewStateQuery)
              .then((s) => ({ stage: s.stage, seq: s.seq, outcome: s.outcome, applicationClosesAt: s.applicationClosesAt, appealClosesAt: s.appealClosesAt })),
            3_000,
            null,
          );
      return { case: row, actions, measures, live, mayAct };
    },
  );

  r.get(
    '/api/reviews/:id/notice',
    {
      schema: {
        tags: ['reviews'],
        summary: 'The written notice (书面反馈) of the latest decision, printable Chinese HTML',
        params: ZCaseParams,
        response: HTML_DOCUMENT_RESPONSE,
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const row = await readableCase(prisma, actor, req.params.id);
      const context = row.context as TReviewContext;
      const html = renderWrittenNotice(context, await noticeNames(prisma, context));
      return sendPrintable(reply, html);
    },
  );

  r.post(
    '/api/reviews/:id/measures/:measureId/complete',
    {
      schema: {
        tags: ['reviews'],
        summary: "Complete a corrective measure (纠错整改) of a final review outcome: its task, in the responsible org unit's inbox, is done",
        params: ZMeasureParams,
        body: ZMeasureDoneBody,
        response: { 200: ZMeasureDone },
      },
    },
    async (req) => {
      const { id, measureId } = req.params;
      const { requestId: rid, note, evidence } = req.body;
      return completeCorrectiveMeasure(prisma, { actor: requireActor(req), caseId: id, measureId, requestId: rid, note, evidence, at: new Date(now()) });
    },
  );

  r.get(
    '/api/review-eligibilities',
    {
      schema: {
        tags: ['reviews'],
        summary: 'My eligibilities to apply for a review (可申请容错纠错): project, trigger, until when, and the case once applied',
        querystring: ZEligibilityQuery,
        response: { 200: ZPage(ZEligibility) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      return listReviewEligibilities(prisma, { userId: actor.userId, ...req.query, at: new Date(now()) });
    },
  );

  const loadOfficial = async (actor: TActor, userId: string, forWrite: boolean) => {
    const refused = officialRecordRefusal(actor, userId, forWrite);
    if (refused) throw refusalToAppError(refused, null);
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, displayName: true } });
    if (!user) throw new AppError('NOT_FOUND', `no user ${userId}`, [{ path: 'params.userId', message: 'not found' }]);
    return user;
  };

  r.get(
    '/api/officials/:userId/record',
    {
      schema: {
        tags: ['reviews'],
        summary: "An official's record: final review outcomes (结果运用) and honours",
        params: ZUserParams,
        response: { 200: ZOfficialRecord },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const user = await loadOfficial(actor, req.params.userId, false);
      const { reviews, honours } = await officialRecordOf(prisma, user.id);
      const at = now();
      return {
        official: user,
        reviews: reviews.map((rec) => ({
          ...rec,
          // Does the matter still count against the official today (appraisal, promotion, honours)?
          adverseNow: isStoredOutcomeAdverseAt(
            { ...rec, decidedAt: rec.decidedAt.getTime(), impactPeriodEndsAt: rec.impactPeriodEndsAt?.getTime() ?? null },
            at,
          ),
        })),
        honours,
      };
    },
  );

  r.post(
    '/api/officials/:userId/honours',
    {
      schema: {
        tags: ['reviews'],
        summary:
          'Record an honour (表彰奖励) for an official of a project whose latest approved evaluation is 优, while no review outcome counts against them (ADMIN)',
        params: ZUserParams,
        body: ZHonourBody,
        response: { 201: ZHonourResult, 200: ZHonourResult },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const user = await loadOfficial(actor, req.params.userId, true);
      const { projectId, title } = req.body;
      const project = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, proposerId: true, orgPath: true, latestGrade: true } });
      if (!project) throw new AppError('VALIDATION_FAILED', `unknown project ${projectId}`, [{ path: 'body.projectId', message: 'unknown project' }]);
      const outOfScope = honourScopeRefusal(actor, project.orgPath);
      if (outOfScope) throw refusalToAppError(outOfScope, 'out of scope');
      if (!(await isOfficialOfProject(prisma, project, user.id)))
        throw new AppError('VALIDATION_FAILED', `${user.id} is not an official of project ${projectId}`, [
          { path: 'params.userId', message: 'not involved in the project' },
        ]);
      const { honour, replayed } = await honours.recordHonour({
        officialId: user.id,
        project,
        title,
        awardedBy: actor.userId,
        requestId: req.body.requestId,
        at: now(),
      });
      if (replayed) return { ...honour, replayed: true };
      return reply.code(201).send(honour);
    },
  );
}

/**
 * The names the written notice prints instead of ids: each investigator and responsible person as
 * 姓名（单位）, each project by its name. Whoever may read the case may read its notice, so everyone
 * the record names is named.
 */
async function noticeNames(prisma: TPrisma, context: TReviewContext): Promise<TNoticeNames> {
  const personIds = new Set<string>();
  for (const round of context.rounds) {
    for (const finding of Object.values(round.findings)) if (finding) personIds.add(finding.investigatorId);
    for (const m of round.decision?.correctiveMeasures ?? []) if (m.responsibleUserId) personIds.add(m.responsibleUserId);
  }
  const [users, projects] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: [...personIds] } }, select: { id: true, displayName: true, homeOrgUnit: { select: { name: true } } } }),
    prisma.project.findMany({ where: { id: { in: context.case.projectIds } }, select: { id: true, name: true } }),
  ]);
  return {
    people: Object.fromEntries(users.map((u) => [u.id, u.homeOrgUnit ? `${u.displayName}（${u.homeOrgUnit.name}）` : u.displayName])),
    projects: Object.fromEntries(projects.map((p) => [p.id, p.name])),
  };
}
