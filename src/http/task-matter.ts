import type { TPrisma } from '../db/prisma';
import { roleTitleZh, type TRole } from '../domain/roles';
import type { TTaskPayment, TTaskSigner } from './schemas/task-matter';

/** A payment step's id is `payment-<seq>-<part>` (workflows/project-operation.ts, paymentStep). */
const PAYMENT_STEP = /^payment-(\d+)-/;
const CLOSING_ACTIONS = ['approve', 'reject', 'return'];

/** The payment a payment step's task decides, with its invoices, flags and the facts behind its tranche; null for any other task. */
export async function paymentOfTask(prisma: TPrisma, task: { projectId: string; stepId: string | null }): Promise<TTaskPayment | null> {
  const seq = PAYMENT_STEP.exec(task.stepId ?? '')?.[1];
  if (!seq) return null;
  const payment = await prisma.payment.findUnique({
    where: { id: `${task.projectId}:pay:${seq}` },
    include: { invoices: { orderBy: { id: 'asc' } }, riskFlags: { orderBy: { id: 'asc' } }, project: { select: { proposal: true, disbursedFen: true } } },
  });
  if (!payment) return null;
  const [requester, allocated, progress, capital, files] = await Promise.all([
    prisma.user.findUnique({ where: { id: payment.requestedBy }, select: { displayName: true } }),
    prisma.fundAllocation.aggregate({ where: { projectId: task.projectId }, _sum: { amountFen: true } }),
    prisma.progressReport.aggregate({ where: { projectId: task.projectId, kind: 'PROGRESS', verifiedAt: { not: null } }, _max: { percent: true } }),
    prisma.progressReport.aggregate({ where: { projectId: task.projectId, kind: 'CAPITAL', verifiedAt: { not: null } }, _sum: { amountFen: true } }),
    // An invoice is recorded by its number and the sha256 of its scan; the project's archive may hold that file.
    prisma.attachment.findMany({
      where: { projectId: task.projectId, sha256: { in: payment.invoices.map((i) => i.sha256.toLowerCase()) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, sha256: true, contentType: true },
    }),
  ]);
  const fileOf = new Map<string, { id: string; contentType: string }>();
  for (const f of files) if (!fileOf.has(f.sha256)) fileOf.set(f.sha256, f);
  const sources = (payment.project.proposal as { fundingSources?: Array<{ source: string; amountFen: number }> }).fundingSources ?? [];
  return {
    id: payment.id,
    seq: payment.seq,
    tranche: payment.tranche,
    amountFen: Number(payment.amountFen),
    payeeId: payment.payeeId,
    payeeAccount: payment.payeeAccount,
    fiscalSource: payment.fiscalSource,
    status: payment.status,
    requestedBy: { userId: payment.requestedBy, displayName: requester?.displayName ?? null },
    requestedAt: payment.requestedAt,
    invoices: payment.invoices.map(({ number, sha256 }) => {
      const file = fileOf.get(sha256.toLowerCase());
      return { number, sha256, file: file ? { attachmentId: file.id, contentType: file.contentType, url: `/api/attachments/${file.id}` } : null };
    }),
    riskFlags: payment.riskFlags.map(({ code, status }) => ({ code, status })),
    facts: {
      allocatedFen: Number(allocated._sum.amountFen ?? 0n),
      disbursedFen: Number(payment.project.disbursedFen),
      verifiedProgressPercent: progress._max.percent ?? 0,
      ownCapitalRequiredFen: sources.filter((f) => f.source === 'OWN_CAPITAL').reduce((sum, f) => sum + f.amountFen, 0),
      ownCapitalVerifiedFen: Number(capital._sum.amountFen ?? 0n),
    },
  };
}

/**
 * The id of the step round a task belongs to: its task ids are `<step round>:<task key>`, the
 * round being `<workflow>:step:<stepId>:<round>` (approvalStepWorkflowId). A step of its own runs
 * as that workflow; a step hosted by its project (ADR 0010) writes the project's workflow id on its
 * rows, so the round is read from the task id, not from the row's workflow.
 */
function stepRoundOf(task: { id: string; stepId: string | null }): string | null {
  if (!task.stepId) return null;
  const marker = `:step:${task.stepId}:`;
  const at = task.id.lastIndexOf(marker);
  if (at < 0) return null;
  const round = /^\d+/.exec(task.id.slice(at + marker.length))?.[0];
  return round ? task.id.slice(0, at + marker.length + round.length) : null;
}

/**
 * The tasks of the task's step round of the same kind (its resubmission task aside), oldest
 * first, each with the person or group it waits for and the decision that closed it: for 会签 and
 * 依次, who has signed and who has not. A task of no approval step stands alone.
 */
export async function signersOfTask(prisma: TPrisma, task: { id: string; projectId: string; stepId: string | null; kind: string }): Promise<TTaskSigner[]> {
  const round = stepRoundOf(task);
  const tasks = await prisma.task.findMany({
    where: round ? { projectId: task.projectId, kind: task.kind, id: { startsWith: `${round}:` } } : { id: task.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { decisions: { where: { action: { in: CLOSING_ACTIONS } }, orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  const userIds = new Set<string>();
  const unitIds = new Set<string>();
  for (const t of tasks) {
    if (t.candidateUserId) userIds.add(t.candidateUserId);
    if (t.candidateOrgUnitId) unitIds.add(t.candidateOrgUnitId);
    for (const d of t.decisions) userIds.add(d.actorId);
  }
  const [users, units] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, displayName: true } }),
    prisma.orgUnit.findMany({ where: { id: { in: [...unitIds] } }, select: { id: true, name: true, level: true } }),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const unitLevel = new Map(units.map((u) => [u.id, u.level]));
  return tasks.map((t) => {
    const d = t.decisions[0];
    return {
      taskId: t.id,
      status: t.status,
      outcome: t.outcome,
      candidate: {
        role: t.candidateRole,
        roleTitle: t.candidateRole ? roleTitleZh(t.candidateRole as TRole, t.candidateOrgUnitId ? unitLevel.get(t.candidateOrgUnitId) : null) : null,
        orgUnitName: t.candidateOrgUnitId ? (unitName.get(t.candidateOrgUnitId) ?? null) : null,
        userId: t.candidateUserId,
        displayName: t.candidateUserId ? (nameOf.get(t.candidateUserId) ?? null) : null,
      },
      decision: d ? { action: d.action, actorId: d.actorId, actorName: nameOf.get(d.actorId) ?? null, at: d.createdAt } : null,
      createdAt: t.createdAt,
      completedAt: t.completedAt,
    };
  });
}
