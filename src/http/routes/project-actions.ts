import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sumFenExact } from '../../domain/policies/money';
import { FISCAL_SOURCES } from '../../domain/lifecycle/fiscal-funding';
import { ZFiscalSource, ZProjectCommand } from '../../domain/zod-schemas';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZNullableInstant } from '../openapi';
import { projectActUpdate } from '../../../workflows/messages/project';
import { visibleProject, ZProjectParams, ZRequestId } from './projects';

export const ZProjectActionBody = z.object({ requestId: ZRequestId, command: ZProjectCommand });

/** What a command made (workflows/messages/project.ts TProjectActResult), declared whole: the serializer drops undeclared keys. */
const ZProjectActResult = z.object({
  requestId: z.string(),
  projectId: z.string(),
  type: z.string(),
  actorId: z.string().optional(),
  stageBefore: z.string(),
  stageAfter: z.string(),
  recordId: z.string().nullable().describe('the report, payment, asset, income or evaluation the command created or changed'),
  details: z.record(z.string(), z.unknown()).optional(),
});
const ZRows = z.array(z.looseObject({ id: z.string() }));
const ZProjectRecords = z.looseObject({
  projectId: z.string(),
  stage: z.string(),
  money: z
    .looseObject({
      budgetFen: z.number(),
      allocatedFen: z.number(),
      disbursedFen: z.number(),
      paidByTranche: z.record(z.enum(['START', 'SUBSTANTIAL_COMPLETION', 'ACCEPTANCE', 'RETENTION']), z.number()),
      paidBySource: z
        .record(ZFiscalSource, z.number())
        .describe('paid per fiscal source (central 衔接资金 on its own); payments from before the rule have none and are not counted'),
    })
    .describe('integer fen'),
  latestGrade: z.string().nullable(),
  replacedByProjectId: z.string().nullable(),
  replacesProjectId: z.string().nullable(),
  reports: ZRows,
  payments: z.array(
    z.looseObject({
      id: z.string(),
      tranche: z.string(),
      amountFen: z.number(),
      status: z.string(),
      paidAt: ZNullableInstant.optional(),
      invoices: ZRows,
      riskFlags: ZRows,
    }),
  ),
  acceptances: ZRows,
  assets: ZRows,
  income: ZRows,
  evaluations: ZRows,
  rectifications: ZRows,
});

/** BigInt fen columns as numbers, dates as ISO strings (JSON has neither BigInt nor Date). */
const plain = <T extends object>(row: T) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v]));

/**
 * A funded project's facts (domain.md §2.7–2.14): one route takes every command (progress,
 * capital, payments, acceptance, assets, income, defects, evaluations, rectification plans,
 * replacement proposals) and the workflow decides; one route reads the records it keeps.
 */
export async function projectActionRoutes(app: FastifyInstance, { prisma, temporal }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/projects/:id/actions',
    {
      schema: {
        tags: ['projects'],
        summary:
          'Act on a funded project: progress, own capital, payment request, acceptance, assets, handover, income, defect, evaluation, rectification plan, replacement',
        params: ZProjectParams,
        body: ZProjectActionBody,
        response: { 201: ZProjectActResult },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const result = await temporal.workflow.getHandle(project.workflowId).executeUpdate(projectActUpdate, {
        args: [{ requestId: req.body.requestId, actor, command: req.body.command }],
        // The actor is part of the update id: Temporal answers a repeated update id from its record
        // without running the validator, which must see anyone else's reuse of a request id.
        updateId: `act-${actor.userId}-${req.body.requestId}`.slice(0, 200),
      });
      return reply.code(201).send(result);
    },
  );

  r.get(
    '/api/projects/:id/records',
    {
      schema: {
        tags: ['projects'],
        summary: 'Reports, payments (with invoices and risk flags), acceptance, assets, income, evaluations, rectifications, links',
        params: ZProjectParams,
        response: { 200: ZProjectRecords },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const where = { projectId: project.id };
      const [reports, payments, acceptances, assets, income, evaluations, rectifications, allocations] = await Promise.all([
        prisma.progressReport.findMany({ where, orderBy: { reportedAt: 'asc' } }),
        prisma.payment.findMany({ where, orderBy: { seq: 'asc' }, include: { invoices: true, riskFlags: true } }),
        prisma.acceptance.findMany({ where, orderBy: { round: 'asc' } }),
        prisma.asset.findMany({ where, orderBy: { registeredAt: 'asc' } }),
        prisma.incomeRecord.findMany({ where, orderBy: { period: 'asc' } }),
        prisma.evaluation.findMany({ where, orderBy: { seq: 'asc' } }),
        prisma.rectification.findMany({ where, orderBy: { openedAt: 'asc' } }),
        prisma.fundAllocation.findMany({ where, orderBy: { createdAt: 'asc' } }),
      ]);
      const paid = payments.filter((p) => p.status === 'PAID');
      // `plain` types the rows loosely; the serializer checks the answer against ZProjectRecords.
      return {
        projectId: project.id,
        stage: project.stage,
        money: {
          budgetFen: Number(project.budgetFen),
          // Summed exactly; a project's totals are bounded (one allocation ≤ its budget, payments by
          // paymentCeilingRefusal) far below 2^53, so they are exact as JSON numbers.
          allocatedFen: Number(sumFenExact(allocations.map((a) => a.amountFen))),
          disbursedFen: Number(project.disbursedFen),
          paidByTranche: Object.fromEntries(
            ['START', 'SUBSTANTIAL_COMPLETION', 'ACCEPTANCE', 'RETENTION'].map((t) => [
              t,
              Number(sumFenExact(paid.filter((p) => p.tranche === t).map((p) => p.amountFen))),
            ]),
          ),
          paidBySource: Object.fromEntries(
            FISCAL_SOURCES.map((f) => [f, Number(sumFenExact(paid.filter((p) => p.fiscalSource === f).map((p) => p.amountFen)))]),
          ),
        },
        latestGrade: project.latestGrade,
        replacedByProjectId: project.replacedByProjectId,
        replacesProjectId: project.replacesProjectId,
        reports: reports.map(plain),
        payments: payments.map((p) => ({ ...plain(p), invoices: p.invoices.map(plain), riskFlags: p.riskFlags.map(plain) })),
        acceptances: acceptances.map(plain),
        assets: assets.map(plain),
        income: income.map(plain),
        evaluations: evaluations.map(plain),
        rectifications: rectifications.map(plain),
      } as z.infer<typeof ZProjectRecords>;
    },
  );
}
