import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { covers, findGrant, type TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import { mayOpenTemporalUi } from '../../domain/roles';
import { formatFen } from '../../domain/policies/money';
import { ZAmountFen, ZPayeeAccounts, ZProposal } from '../../domain/zod-schemas';
import { deploymentSettings } from '../../domain/policies/settings';
import { readCountySettings } from '../../db/county-settings';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { pageArgs } from '../pagination';
import { waitingFor } from '../../db/waiting-for';
import { projectListWhere, ZProjectList, ZProjectListQuery } from '../project-filters';
import type { projectLifecycle } from '../../../workflows/project-lifecycle';
import {
  allocateFundsUpdate,
  lodgeObjectionUpdate,
  projectStateQuery,
  projectWorkflowId,
  registerProjectUpdate,
  type TProjectLifecycleInput,
} from '../../../workflows/messages/project';
import { valueWithin } from '../value-within';

export const ZCreateProjectBody = z.intersection(ZProposal, z.object({ requestId: z.string().trim().min(8).max(100) }));

export const ZProjectParams = z.object({ id: z.string().min(1).max(64) });
export const ZRequestId = z.string().trim().min(8).max(100);
export const ZObjectionBody = z.object({ text: z.string().trim().min(1).max(2000), requestId: ZRequestId });
export const ZFundingBody = z.object({
  fiscalYear: z.number().int().min(2000).max(2100),
  amountFen: ZAmountFen,
  requestId: ZRequestId,
  payeeAccounts: ZPayeeAccounts.optional().describe(
    "the implementer's registered payee accounts (收款账户); risk screening flags a payment to any other. Optional: without them the account is not checked",
  ),
});

/** The same client request always names the same project, so a retried POST starts nothing new. */
function projectIdFor(actorId: string, requestId: string): string {
  return crypto.createHash('sha256').update(`${actorId}\n${requestId}`).digest('hex').slice(0, 20);
}

/** Who may read a project: any role granted at or above its village. */
export function canSee(actor: TActor, orgPath: string): boolean {
  return actor.roles.some((g) => covers(g, orgPath));
}

/** A project the actor can see, or 404 (the same answer for "absent" and "not yours"). */
export async function visibleProject(prisma: TAppDeps['prisma'], actor: TActor, id: string) {
  const project = await prisma.project.findUnique({ where: { id } });
  if (!project || !canSee(actor, project.orgPath))
    throw new AppError('NOT_FOUND', `no project ${id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
  return project;
}

/** Money columns are BigInt fen in the database; JSON carries them as numbers (safe integers). */
/**
 * Success bodies, for the OpenAPI document. The serializer checks every answer against them and
 * drops undeclared keys, so the workflow results are declared whole and the database rows loose;
 * a repeat answered from the record (`replayed: true`) carries fewer fields.
 */
const ZStarted = z.object({
  projectId: z.string(),
  workflowId: z.string(),
  stage: z.string(),
  taskId: z.string().nullable().describe('the open task (the township review once publicity is skipped), if any'),
  replayed: z.boolean().optional().describe('true: this requestId was applied before; this is its record'),
});
const ZProjectDetail = z.looseObject({
  id: z.string(),
  name: z.string(),
  industry: z.string(),
  stage: z.string(),
  orgUnitId: z.string(),
  orgPath: z.string(),
  budgetFen: z.number().describe('integer fen'),
  proposerId: z.string(),
  createdAt: ZInstant,
  tasks: z.array(z.looseObject({ id: z.string(), kind: z.string(), status: z.string(), dueAt: ZNullableInstant })),
  decisions: z.array(z.looseObject({ taskId: z.string(), actorId: z.string(), action: z.string(), createdAt: ZInstant })),
  objections: z
    .array(
      z.object({
        id: z.string(),
        requestId: z.string(),
        actorId: z.string(),
        text: z.string(),
        lodgerName: z.string().nullable(),
        lodgerPhone: z.string().nullable(),
        createdAt: ZInstant,
      }),
    )
    .describe('objections (异议), oldest first; lodgerName and lodgerPhone: who objected from the public board (actorId "public")'),
  temporalUiUrl: z.string().nullable().describe('the project workflow in the Temporal Web UI, for a monitor or an administrator; null for everyone else'),
  live: z.unknown().describe("the workflow's own state (projectState query); null while it cannot be asked"),
  history: z
    .array(z.looseObject({ id: z.string(), seq: z.string().nullable(), action: z.string(), actorId: z.string().nullable(), at: ZInstant }))
    .describe('audit events of the project and its tasks, oldest first'),
});
const ZObjectionResult = z.object({
  requestId: z.string(),
  projectId: z.string(),
  objectionId: z.string(),
  publicityId: z.string(),
  stageBefore: z.string().optional(),
  stageAfter: z.string().optional(),
  resubmitTaskId: z.string().optional(),
  replayed: z.boolean().optional(),
});
const ZFundingResult = z.object({
  requestId: z.string(),
  projectId: z.string(),
  fiscalYear: z.int(),
  amountFen: z.int(),
  stageBefore: z.string().optional(),
  stageAfter: z.string(),
  replayed: z.boolean().optional(),
});

export function serializeProject(p: { budgetFen: bigint } & Record<string, unknown>) {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as Record<string, unknown> & { budgetFen: number };
}

export async function projectRoutes(app: FastifyInstance, { prisma, temporal, config, countySettings }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { defaults, publicityOverride } = deploymentSettings(countySettings);

  r.post(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Propose a project (申报) and start its workflow',
        body: ZCreateProjectBody,
        response: { 201: ZStarted, 200: ZStarted },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { requestId, ...proposal } = req.body;
      const village = await prisma.orgUnit.findUnique({ where: { id: proposal.orgUnitId }, include: { parent: { include: { parent: true } } } });
      if (!village || village.level !== 'VILLAGE' || !village.parent?.parent) {
        throw new AppError('VALIDATION_FAILED', 'a project is proposed for a village', [{ path: 'body.orgUnitId', message: 'unknown village' }]);
      }
      const grant = findGrant(actor, 'VILLAGE_COMMITTEE', village.path) ?? findGrant(actor, 'ADMIN', village.path);
      if (!grant) {
        const holdsRole = actor.roles.some((g) => g.role === 'VILLAGE_COMMITTEE' || g.role === 'ADMIN');
        throw new AppError(
          holdsRole ? 'OUT_OF_SCOPE' : 'ROLE_NOT_ALLOWED',
          holdsRole ? 'this village is outside your org units' : 'only a village committee or an administrator proposes projects',
          [{ path: 'body.orgUnitId', message: 'not allowed' }],
        );
      }
      const township = village.parent;
      const county = township.parent!;
      const projectId = projectIdFor(actor.userId, requestId);
      const workflowId = projectWorkflowId(projectId);
      // A repeat of a request already applied is answered from the record, with 200 not 201.
      const existing = await prisma.project.findUnique({ where: { id: projectId } });
      if (existing) {
        const open = await prisma.task.findFirst({ where: { projectId, status: 'PENDING' }, orderBy: { createdAt: 'desc' } });
        return reply.code(200).send({ projectId, workflowId, stage: existing.stage, taskId: open?.id ?? null, replayed: true });
      }
      const { settings } = await readCountySettings(prisma, { countyId: county.id, defaults });
      const input: TProjectLifecycleInput = {
        projectId,
        proposal,
        proposer: actor,
        requestId,
        county: { id: county.id, name: county.name, path: county.path },
        township: { id: township.id, name: township.name, path: township.path },
        village: { id: village.id, name: village.name, path: village.path },
        // The county's publicity periods, unless the deployment overrides them (PUBLICITY_DAYS: 0
        // skips them in demos and tests, which a county setting may not).
        publicity: { ...settings.publicity, ...publicityOverride },
        // The county's settings as of the start (its saved row, else the configured defaults): the
        // project keeps the rules it was approved under, whatever an administrator changes later.
        settings,
      };
      try {
        const registered = await temporal.workflow.executeUpdateWithStart(registerProjectUpdate, {
          args: [],
          updateId: `register-${requestId}`.slice(0, 200),
          startWorkflowOperation: new WithStartWorkflowOperation<typeof projectLifecycle>('projectLifecycle', {
            workflowId,
            taskQueue: config.temporal.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            // A finished project's id is never reused: a late retry must not start it again.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `${proposal.name} · ${village.name} · ${formatFen(proposal.budgetFen)}`,
            staticDetails: `**项目** ${proposal.name}  \n**产业** ${proposal.industry}  \n**村** ${county.name} / ${township.name} / ${village.name}  \n**预算** ${formatFen(proposal.budgetFen)}  \n**实施主体** ${proposal.implementer.name}`,
          }),
        });
        return reply.code(201).send(registered);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          const existing = await prisma.project.findUnique({ where: { id: projectId } });
          if (existing) return reply.code(200).send({ projectId, workflowId, stage: existing.stage, taskId: null });
        }
        throw err;
      }
    },
  );

  r.get(
    '/api/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Projects in my org units, newest first, filtered by stage, org unit, industry, year, grade, risk flag and text',
        querystring: ZProjectListQuery,
        response: { 200: ZProjectList },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const where = await projectListWhere(prisma, actor, req.query);
      if (!where) return { items: [], total: 0, page: req.query.page, pageSize: req.query.pageSize };
      const [items, total] = await Promise.all([
        // The id breaks ties between projects created in the same millisecond: pages never overlap.
        prisma.project.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...pageArgs(req.query) }),
        prisma.project.count({ where }),
      ]);
      // 我发起的: the proposer wants to know whom each project waits for.
      const waiting =
        req.query.mine === 'proposed'
          ? await waitingFor(
              prisma,
              items.map((p) => p.id),
            )
          : null;
      return {
        items: items.map((p) => ({
          ...p,
          budgetFen: Number(p.budgetFen),
          disbursedFen: Number(p.disbursedFen),
          ...(waiting ? { waitingFor: waiting.get(p.id) ?? [] } : {}),
        })),
        total,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  r.get(
    '/api/projects/:id',
    { schema: { tags: ['projects'], summary: 'A project: stage, open tasks and full history', params: ZProjectParams, response: { 200: ZProjectDetail } } },
    async (req) => {
      const actor = requireActor(req);
      const project = await prisma.project.findUnique({
        where: { id: req.params.id },
        include: {
          tasks: { orderBy: { createdAt: 'asc' } },
          decisions: { orderBy: { createdAt: 'asc' } },
          objections: {
            orderBy: { createdAt: 'asc' },
            select: { id: true, requestId: true, actorId: true, text: true, lodgerName: true, lodgerPhone: true, createdAt: true },
          },
        },
      });
      if (!project || !canSee(actor, project.orgPath))
        throw new AppError('NOT_FOUND', `no project ${req.params.id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
      const audit = await prisma.auditEvent.findMany({
        where: {
          OR: [
            { entityType: 'Project', entityId: project.id },
            { entityType: 'Task', entityId: { in: project.tasks.map((t) => t.id) } },
          ],
        },
        orderBy: { id: 'asc' },
      });
      // The workflow is the source of truth for what is pending right now; the rows are its projection.
      // Within 3 s or null: with the Temporal server down the page still answers from the rows.
      const live: unknown = await valueWithin<unknown>(temporal.workflow.getHandle(project.workflowId).query(projectStateQuery), 3_000, null);
      // The row's own fields, loosely typed by serializeProject; the serializer checks them against ZProjectDetail.
      return {
        ...(serializeProject(project) as z.infer<typeof ZProjectDetail>),
        temporalUiUrl: mayOpenTemporalUi(actor.roles)
          ? `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${project.workflowId}`
          : null,
        live,
        // bigint columns as strings: JSON has no 64-bit integers.
        history: audit.map((a) => ({ ...a, id: String(a.id), seq: a.seq === null ? null : String(a.seq) })),
      };
    },
  );

  const duplicateRequest = () => new AppError('DUPLICATE_REQUEST', 'this requestId was already used', [{ path: 'body.requestId', message: 'reused' }]);

  r.post(
    '/api/projects/:id/objections',
    {
      schema: {
        tags: ['projects'],
        summary: 'Lodge an objection (异议) during a publicity period; the project goes back to the village',
        params: ZProjectParams,
        body: ZObjectionBody,
        response: { 201: ZObjectionResult, 200: ZObjectionResult },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const earlier = await prisma.objection.findUnique({ where: { requestId: req.body.requestId } });
      if (earlier) {
        if (earlier.projectId !== project.id || earlier.actorId !== actor.userId) throw duplicateRequest();
        return reply
          .code(200)
          .send({ requestId: earlier.requestId, projectId: project.id, objectionId: earlier.id, publicityId: earlier.publicityId, replayed: true });
      }
      const result = await temporal.workflow.getHandle(project.workflowId).executeUpdate(lodgeObjectionUpdate, {
        args: [{ requestId: req.body.requestId, actor, text: req.body.text }],
        updateId: `objection-${req.body.requestId}`,
      });
      // Temporal runs an update id once per workflow and hands its result to every caller of that
      // id: someone else who sent the same requestId at the same moment gets the first person's
      // objection back. The row, written before the update returns, says whose it is.
      const lodged = await prisma.objection.findUnique({ where: { id: result.objectionId }, select: { actorId: true } });
      if (lodged && lodged.actorId !== actor.userId) throw duplicateRequest();
      return reply.code(201).send(result);
    },
  );

  r.post(
    '/api/projects/:id/funding',
    {
      schema: {
        tags: ['projects'],
        summary: 'Allocate funds (资金下达) to a pool project for a fiscal year (finance bureau)',
        params: ZProjectParams,
        body: ZFundingBody,
        response: { 201: ZFundingResult, 200: ZFundingResult },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      if (!findGrant(actor, 'COUNTY_FINANCE', project.orgPath)) {
        throw new AppError('ROLE_NOT_ALLOWED', 'only the county finance bureau allocates funds', [{ path: 'actor.roles', message: 'COUNTY_FINANCE required' }]);
      }
      const earlier = await prisma.fundAllocation.findUnique({ where: { requestId: req.body.requestId } });
      if (earlier) {
        if (earlier.projectId !== project.id) throw duplicateRequest();
        return reply.code(200).send({
          requestId: earlier.requestId,
          projectId: project.id,
          fiscalYear: earlier.fiscalYear,
          amountFen: Number(earlier.amountFen),
          stageAfter: 'IMPLEMENTATION',
          replayed: true,
        });
      }
      if (BigInt(req.body.amountFen) > project.budgetFen) {
        throw new AppError('VALIDATION_FAILED', `the amount exceeds the approved budget of ${formatFen(Number(project.budgetFen))}`, [
          { path: 'body.amountFen', message: 'exceeds the budget' },
        ]);
      }
      const result = await temporal.workflow.getHandle(project.workflowId).executeUpdate(allocateFundsUpdate, {
        args: [
          {
            requestId: req.body.requestId,
            actor,
            fiscalYear: req.body.fiscalYear,
            amountFen: req.body.amountFen,
            ...(req.body.payeeAccounts ? { payeeAccounts: req.body.payeeAccounts } : {}),
          },
        ],
        updateId: `funding-${req.body.requestId}`,
      });
      return reply.code(201).send(result);
    },
  );
}
