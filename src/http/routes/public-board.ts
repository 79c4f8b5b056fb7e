import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { PUBLICITY_STAGES } from '../../domain/lifecycle/lifecycle-machine';
import { fiscalTotalFen } from '../../domain/lifecycle/fiscal-funding';
import { PUBLIC_ACTOR_ID, publicActor } from '../../domain/lifecycle/public-objection';
import { fenToYuanDecimal } from '../../domain/policies/money';
import { ZPublicObjectionBody } from '../schemas/public-objection-body';
import type { TAppDeps } from '../context';
import { ZInstant } from '../openapi';
import { lodgeObjectionUpdate } from '../../../workflows/messages/project';

/**
 * The public 公示 board (issue #18): no sign-in. A county's projects in a publicity period with the
 * facts the publicity rules make public anyway (name, place, implementer, money, the period), and
 * a villager's objection, which reaches the project workflow exactly as an official's does
 * (POST /api/projects/:id/objections) under the public actor. Nothing else goes out: no person
 * ids, no phones, no org or task ids; the project id is there because the objection names it.
 */

/** Requests per window: per client address, and per project over all addresses. */
export interface TPublicObjectionLimit {
  perClient: number;
  perProject: number;
  windowMs: number;
}
export const DEFAULT_PUBLIC_OBJECTION_LIMIT: TPublicObjectionLimit = { perClient: 5, perProject: 50, windowMs: 60 * 60 * 1000 };

/**
 * Fixed-window counters in process memory. An objection is rare and cheap to repeat, and a
 * burst is what this stops (one address flooding a project's officials, or many addresses one
 * project), so a restart forgetting the counts costs little; several API servers would each count
 * their own share (the sign-in limit, which must not reset, lives in the database instead).
 */
function windowCounter(windowMs: number) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return (key: string, max: number, now: number): { allowed: boolean; retryAfterSeconds: number } => {
    if (windows.size > 10_000) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= max, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  };
}

const ZCountyParams = z.object({ countyCode: z.string().trim().min(1).max(64).describe('the county org unit id, e.g. c-qingshan') });
const ZPublicProjectParams = z.object({ id: z.string().min(1).max(64) });
const ZYuan = z
  .string()
  .regex(/^\d+\.\d{2}$/)
  .describe('yuan with two decimals, exact (integer fen / 100)');

const ZBoardItem = z.object({
  projectId: z.string().describe('what an objection names'),
  name: z.string(),
  industry: z.string(),
  village: z.string(),
  township: z.string(),
  implementer: z.string(),
  budgetYuan: ZYuan,
  fiscalYuan: ZYuan.describe('the fiscal share (central linkage, local and other fiscal funds)'),
  publicity: z.object({
    kind: z.enum(['VILLAGE', 'TOWNSHIP', 'ACCEPTANCE']).describe('村公示 / 乡镇公示 / 验收公示'),
    startsAt: ZInstant,
    endsAt: ZInstant,
  }),
});
const ZBoard = z.object({
  county: z.object({ code: z.string(), name: z.string() }),
  items: z.array(ZBoardItem),
  objection: z.object({
    how: z.string().describe('how to object, in Chinese'),
    path: z.string().describe('the POST path; :id is an item projectId'),
  }),
});
const ZPublicObjectionResult = z.object({
  requestId: z.string(),
  projectName: z.string(),
  replayed: z.boolean().optional().describe('true: this requestId was applied before'),
});

const OBJECTION_PATH = '/api/public/projects/:id/objections';

export async function publicBoardRoutes(
  app: FastifyInstance,
  { prisma, temporal }: TAppDeps,
  { limit = DEFAULT_PUBLIC_OBJECTION_LIMIT }: { limit?: TPublicObjectionLimit } = {},
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const count = windowCounter(limit.windowMs);

  r.get(
    '/api/public/counties/:countyCode/publicity',
    {
      schema: {
        tags: ['public'],
        summary: '公示栏: the projects of a county in a publicity period (no sign-in)',
        security: [],
        params: ZCountyParams,
        response: { 200: ZBoard },
      },
    },
    async (req) => {
      const county = await prisma.orgUnit.findUnique({ where: { id: req.params.countyCode } });
      if (!county || county.level !== 'COUNTY')
        throw new AppError('NOT_FOUND', `no county ${req.params.countyCode}`, [{ path: 'params.countyCode', message: 'not found' }]);
      const projects = await prisma.project.findMany({
        where: { countyId: county.id, stage: { in: [...PUBLICITY_STAGES] } },
        include: { publicities: { where: { outcome: null }, orderBy: { startsAt: 'desc' }, take: 1 } },
        orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
        take: 200,
      });
      const open = projects.filter((p) => p.publicities.length > 0);
      const units = await prisma.orgUnit.findMany({
        where: { id: { in: open.flatMap((p) => [p.villageId, p.townshipId]) } },
        select: { id: true, name: true },
      });
      const nameOf = new Map(units.map((u) => [u.id, u.name]));
      return {
        county: { code: county.id, name: county.name },
        items: open.map((p) => {
          const proposal = p.proposal as { implementer?: { name?: string }; fundingSources?: Array<{ source: string; amountFen: number }> };
          const pub = p.publicities[0]!;
          return {
            projectId: p.id,
            name: p.name,
            industry: p.industry,
            village: nameOf.get(p.villageId) ?? '',
            township: nameOf.get(p.townshipId) ?? '',
            implementer: proposal.implementer?.name ?? '',
            budgetYuan: fenToYuanDecimal(p.budgetFen),
            fiscalYuan: fenToYuanDecimal(fiscalTotalFen((proposal.fundingSources ?? []) as Parameters<typeof fiscalTotalFen>[0])),
            publicity: { kind: pub.kind as 'VILLAGE' | 'TOWNSHIP' | 'ACCEPTANCE', startsAt: pub.startsAt, endsAt: pub.endsAt },
          };
        }),
        objection: {
          how: '公示期内，任何人可对公示项目提出异议：填写姓名、手机号码和异议理由后提交；异议成立的，项目退回村委会修改后重新公示。',
          path: OBJECTION_PATH,
        },
      };
    },
  );

  r.post(
    OBJECTION_PATH,
    {
      schema: {
        tags: ['public'],
        summary: '公示异议: a villager objects to a project in its publicity period (no sign-in; rate-limited per address and per project)',
        security: [],
        params: ZPublicProjectParams,
        body: ZPublicObjectionBody,
        response: { 201: ZPublicObjectionResult, 200: ZPublicObjectionResult },
      },
    },
    async (req, reply) => {
      const now = Date.now();
      for (const [key, max, field] of [
        [`client:${req.ip}`, limit.perClient, 'client'],
        [`project:${req.params.id}`, limit.perProject, 'params.id'],
      ] as const) {
        const { allowed, retryAfterSeconds } = count(key, max, now);
        if (allowed) continue;
        reply.header('retry-after', String(retryAfterSeconds));
        throw new AppError('RATE_LIMITED', `too many objections; try again in ${retryAfterSeconds} s`, [{ path: field, message: 'rate limited' }]);
      }
      const project = await prisma.project.findUnique({ where: { id: req.params.id }, select: { id: true, name: true, workflowId: true } });
      if (!project) throw new AppError('NOT_FOUND', `no project ${req.params.id}`, [{ path: 'params.id', message: 'not found' }]);
      const { requestId, name, phone, reason } = req.body;
      // A requestId is one person's objection to one project: resent by them it answers again.
      const sameLodging = (row: { projectId: string; actorId: string; lodgerPhone: string | null }) =>
        row.projectId === project.id && row.actorId === PUBLIC_ACTOR_ID && row.lodgerPhone === phone;
      const duplicate = () => new AppError('DUPLICATE_REQUEST', 'this requestId was already used', [{ path: 'body.requestId', message: 'reused' }]);
      const earlier = await prisma.objection.findUnique({ where: { requestId } });
      if (earlier) {
        if (!sameLodging(earlier)) throw duplicate();
        return reply.code(200).send({ requestId, projectName: project.name, replayed: true });
      }
      const result = await temporal.workflow.getHandle(project.workflowId).executeUpdate(lodgeObjectionUpdate, {
        args: [{ requestId, actor: publicActor(), text: reason, lodger: { name, phone } }],
        updateId: `objection-${requestId}`,
      });
      const lodged = await prisma.objection.findUnique({ where: { id: result.objectionId }, select: { projectId: true, actorId: true, lodgerPhone: true } });
      if (lodged && !sameLodging(lodged)) throw duplicate();
      return reply.code(201).send({ requestId, projectName: project.name });
    },
  );
}
