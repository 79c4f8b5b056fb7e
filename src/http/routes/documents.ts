import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { holdsRoleOver, type TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import { acceptanceRecorded, APPROVAL_DOCUMENT_KIND, APPROVAL_ISSUING_ROLES, countyApprovalOf, shanghaiYear } from '../../domain/documents/document-rules';
import type { TProposal } from '../../domain/lifecycle/proposal';
import { APPROVAL_CHAIN } from '../../domain/lifecycle/stage-signers';
import { roleTitleZh, type TRole } from '../../domain/roles';
import { issueApprovalNumber } from '../../db/document-numbers';
import { sendPrintable, HTML_DOCUMENT_RESPONSE } from '../documents/printable';
import type { TPlaceNames } from '../documents/project-facts';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { renderPublicityNotice } from '../documents/publicity-notice';
import { renderApprovalDocument } from '../documents/approval-document';
import { renderAcceptanceReport } from '../documents/acceptance-report';
import { visibleProject, ZRequestId } from './projects';

const ZNoticeParams = z.object({ id: z.string().min(1).max(64), publicityId: z.string().min(1).max(200) });
const ZProjectParams = z.object({ id: z.string().min(1).max(64) });
const ZIssued = z.object({
  number: z.string().describe('e.g. 青山县乡振批〔2026〕7号'),
  year: z.int(),
  seq: z.int(),
  issuedAt: z.string(),
  replayed: z.boolean().describe('true: the project had this number already; nothing was written'),
});

type TPrisma = TAppDeps['prisma'];

async function placeOf(prisma: TPrisma, project: { countyId: string; townshipId: string; villageId: string }): Promise<TPlaceNames> {
  const units = await prisma.orgUnit.findMany({
    where: { id: { in: [project.countyId, project.townshipId, project.villageId] } },
    select: { id: true, name: true },
  });
  const nameOf = (id: string) => units.find((u) => u.id === id)?.name ?? '';
  return { county: nameOf(project.countyId), township: nameOf(project.townshipId), village: nameOf(project.villageId) };
}

/** The project's decisions on tasks of `kinds`, oldest first, with who made them by name and post. */
async function decisionsOn(prisma: TPrisma, projectId: string, kinds: readonly string[]) {
  const rows = await prisma.decision.findMany({
    where: { projectId, task: { kind: { in: [...kinds] } } },
    include: { task: { select: { kind: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const people = await prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.actorId))] } }, select: { id: true, displayName: true } });
  // The grant's unit tells the post's level: an escalated county task was decided by 市乡村振兴局.
  const grantUnitIds = [...new Set(rows.flatMap((r) => (r.orgUnitId ? [r.orgUnitId] : [])))];
  const levelOf = new Map(
    (await prisma.orgUnit.findMany({ where: { id: { in: grantUnitIds } }, select: { id: true, level: true } })).map((u) => [u.id, u.level]),
  );
  return rows.map((r) => ({
    kind: r.task.kind,
    action: r.action,
    stageBefore: r.stageBefore,
    stageAfter: r.stageAfter,
    at: r.createdAt.getTime(),
    comment: r.comment,
    name: people.find((p) => p.id === r.actorId)?.displayName ?? '（人员未登记）',
    title: r.role ? roleTitleZh(r.role as TRole, r.orgUnitId ? levelOf.get(r.orgUnitId) : null) : '',
  }));
}

/** The county approval that put the project in the pool, or a typed 409: nothing to number or print before it. */
async function recordedApproval(prisma: TPrisma, projectId: string) {
  const decisions = await decisionsOn(prisma, projectId, APPROVAL_CHAIN);
  const approval = countyApprovalOf(decisions);
  if (!approval)
    throw new AppError('APPROVAL_NOT_RECORDED', 'the county approval (县领导小组审定) of this project is not recorded yet', [
      { path: 'params.id', message: 'not approved' },
    ]);
  return { approval, decisions };
}

/** Printable documents an official puts on a notice board or in the file (issue #18). */
export async function documentRoutes(app: FastifyInstance, { prisma, config }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** A GET answering a printable page (sendPrintable) that `render` writes for the signed-in reader. */
  const printable = <P extends z.ZodType>(url: string, summary: string, params: P, render: (actor: TActor, params: z.infer<P>) => Promise<string>) =>
    r.get(url, { schema: { tags: ['projects'], summary, params, response: HTML_DOCUMENT_RESPONSE } }, async (req, reply) =>
      sendPrintable(reply, await render(requireActor(req), req.params as z.infer<P>)),
    );

  printable(
    '/api/projects/:id/publicities/:publicityId/notice',
    "The publicity notice (公示) of one of the project's publicity periods, printable Chinese HTML (print to PDF from the browser)",
    ZNoticeParams,
    async (actor, params) => {
      const project = await visibleProject(prisma, actor, params.id);
      const publicity = await prisma.publicity.findUnique({ where: { id: params.publicityId } });
      if (!publicity || publicity.projectId !== project.id)
        throw new AppError('NOT_FOUND', `no publicity ${params.publicityId} of this project`, [{ path: 'params.publicityId', message: 'not found' }]);
      const html = renderPublicityNotice({
        kind: publicity.kind,
        startsAt: publicity.startsAt.getTime(),
        endsAt: publicity.endsAt.getTime(),
        proposal: project.proposal as unknown as TProposal,
        place: await placeOf(prisma, project),
        // The county's public board (/app/public/<county>), where the notice says one may also object online.
        boardUrl: config.notifications.publicBaseUrl ? `${config.notifications.publicBaseUrl}/app/public/${encodeURIComponent(project.countyId)}` : null,
      });
      return html;
    },
  );

  r.post(
    '/api/projects/:id/approval-document',
    {
      schema: {
        tags: ['projects'],
        summary:
          "Issue the project's 立项批复: assigns its number (unique per county and year, consecutive) at the first call; a repeat answers the same number",
        params: ZProjectParams,
        body: z.object({ requestId: ZRequestId }),
        response: { 201: ZIssued, 200: ZIssued },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      if (!holdsRoleOver(actor, APPROVAL_ISSUING_ROLES, project.orgPath))
        throw new AppError('FORBIDDEN', "only the county's leading group or agriculture bureau issues a 批复", [
          { path: 'actor', message: 'not an issuing role' },
        ]);
      const { approval } = await recordedApproval(prisma, project.id);
      const place = await placeOf(prisma, project);
      const issued = await issueApprovalNumber({
        prisma,
        project,
        countyName: place.county,
        year: shanghaiYear(approval.at),
        actor,
        requestId: req.body.requestId,
      });
      return reply
        .code(issued.firstTime ? 201 : 200)
        .send({ number: issued.number, year: issued.year, seq: issued.seq, issuedAt: issued.issuedAt.toISOString(), replayed: !issued.firstTime });
    },
  );

  printable(
    '/api/projects/:id/approval-document',
    "The project's 立项批复 with its number, printable Chinese HTML (A4; print to PDF from the browser)",
    ZProjectParams,
    async (actor, params) => {
      const project = await visibleProject(prisma, actor, params.id);
      const { approval, decisions } = await recordedApproval(prisma, project.id);
      const issued = await prisma.documentNumber.findUnique({ where: { projectId_kind: { projectId: project.id, kind: APPROVAL_DOCUMENT_KIND } } });
      if (!issued)
        throw new AppError('DOCUMENT_NOT_ISSUED', 'the 批复 has no number yet: a county official issues it first (POST …/approval-document)', [
          { path: 'params.id', message: 'not issued' },
        ]);
      const publicities = await prisma.publicity.findMany({
        where: { projectId: project.id, kind: { in: ['VILLAGE', 'TOWNSHIP'] }, outcome: 'PASSED' },
        orderBy: { startsAt: 'asc' },
      });
      const html = renderApprovalDocument({
        number: issued.number,
        proposal: project.proposal as unknown as TProposal,
        place: await placeOf(prisma, project),
        approvedAt: approval.at,
        // The approvals that led to the 批复 (a return and its later approval both stay on record).
        signatures: decisions
          .filter((d) => d.action === 'approve' && d.at <= approval.at)
          .map((d) => ({ stage: d.kind, name: d.name, title: d.title, comment: d.comment, at: d.at })),
        publicities: publicities.map((p) => ({ kind: p.kind, startsAt: p.startsAt.getTime(), endsAt: p.endsAt.getTime() })),
      });
      return html;
    },
  );

  printable(
    '/api/projects/:id/acceptance-report',
    "The project's completion acceptance report (竣工验收报告), printable Chinese HTML (A4; print to PDF from the browser)",
    ZProjectParams,
    async (actor, params) => {
      const project = await visibleProject(prisma, actor, params.id);
      const rounds = await prisma.acceptance.findMany({ where: { projectId: project.id }, orderBy: { round: 'asc' } });
      if (!acceptanceRecorded(rounds))
        throw new AppError('ACCEPTANCE_NOT_RECORDED', 'no completion inspection of this project is decided yet', [
          { path: 'params.id', message: 'no acceptance' },
        ]);
      const [inspections, rectifications, defectEvents] = await Promise.all([
        decisionsOn(prisma, project.id, ['COMPLETION_ACCEPTANCE']),
        prisma.rectification.findMany({ where: { projectId: project.id, kind: 'ACCEPTANCE' }, orderBy: { openedAt: 'asc' } }),
        prisma.auditEvent.findMany({
          where: { projectId: project.id, action: { in: ['DEFECT_REPORTED', 'DEFECT_REPAIRED', 'DEFECT_REPAIR_VERIFIED', 'DEFECT_REPAIR_REJECTED'] } },
          orderBy: { id: 'asc' },
        }),
      ]);
      const proposal = project.proposal as unknown as TProposal;
      const html = renderAcceptanceReport({
        projectName: project.name,
        implementer: proposal.implementer.name,
        place: await placeOf(prisma, project),
        budgetFen: Number(project.budgetFen),
        disbursedFen: Number(project.disbursedFen),
        rounds: rounds.map((r) => ({
          round: r.round,
          result: r.result,
          decidedAt: r.decidedAt?.getTime() ?? null,
          vote: r.vote as never,
        })),
        inspections: inspections.map((i) => ({ name: i.name, title: i.title, action: i.action, comment: i.comment, at: i.at })),
        rectifications: rectifications.map((x) => ({
          plan: x.plan,
          status: x.status,
          openedAt: x.openedAt.getTime(),
          closedAt: x.closedAt?.getTime() ?? null,
        })),
        defects: defectsOf(defectEvents),
      });
      return html;
    },
  );
}

/** Defects as their audit events tell them: the report, then each repair and its verification. */
function defectsOf(events: ReadonlyArray<{ action: string; at: Date; comment: string | null; details: unknown }>) {
  const defects: Array<{ id: string | null; text: string | null; reportedAt: number; status: string; repair: string | null }> = [];
  for (const ev of events) {
    const defectId = (ev.details as { defectId?: string } | null)?.defectId ?? null;
    if (ev.action === 'DEFECT_REPORTED') {
      defects.push({ id: defectId, text: ev.comment, reportedAt: ev.at.getTime(), status: 'OPEN', repair: null });
      continue;
    }
    const defect = defects.find((d) => d.id !== null && d.id === defectId);
    if (!defect) continue;
    if (ev.action === 'DEFECT_REPAIRED') Object.assign(defect, { status: 'REPAIRED', repair: ev.comment ?? defect.repair });
    else defect.status = ev.action === 'DEFECT_REPAIR_VERIFIED' ? 'VERIFIED' : 'OPEN';
  }
  return defects.map(({ text, reportedAt, status, repair }) => ({ text, reportedAt, status, repair }));
}
