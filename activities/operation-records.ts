import { assetFundingSourceOfProject } from '../src/domain/assets/asset-register';
import type { TPrisma } from '../src/db/prisma';
import type { Prisma } from '../src/generated/prisma/client';
import { checkAuditPayload, type TOmitEach } from '../src/domain/audit/audit-events';
import { writeAuditEvent, type TAuditEntry } from '../src/audit/write-audit-event';
import { runRiskChecks, type TRiskCheckInput, type TRiskFlag } from '../src/domain/policies/risk-checks';
import { openTask as openProjectTask, type TTaskToOpen as TSharedTaskToOpen, type TTx } from './project-records';
import { countPaymentPaid } from './metrics';

/** A project's audit event: the activity adds the project as its entity. */
type TAudit = TOmitEach<TAuditEntry, 'entityType' | 'entityId' | 'at' | 'role' | 'orgUnitId'>;

/** A lifecycle-owned task: the shared task shape without the project (the activity knows it), with a due date. */
type TTaskToOpen = Omit<TSharedTaskToOpen, 'projectId'> & { dueAt?: number | null };

/** The stage an activity writes, and the workflow's count of stage changes when it decided it. */
export interface TStaged {
  stage: string | null;
  stageVersion?: number;
}

/** What the record of a person's project command carries: the project, who sent it, by which request, when. */
interface TCommandRecord {
  projectId: string;
  requestId: string;
  actorId: string;
  at: number;
}

/** A command's record that moves the project's stage (the stage after the command). */
type TStagedCommandRecord = TCommandRecord & TStaged & { stage: string };

/** Writes the stage unless a newer one (by version) is already there; unversioned writes always apply. */
export async function writeStage(tx: Pick<TTx, 'project'>, projectId: string, { stage, stageVersion }: TStaged) {
  if (!stage) return;
  if (stageVersion === undefined) await tx.project.update({ where: { id: projectId }, data: { stage } });
  else await tx.project.updateMany({ where: { id: projectId, stageVersion: { lte: stageVersion } }, data: { stage, stageVersion } });
}

/** Invoice numbers compared without spaces, dashes or a "No." prefix (as the pure check does). */
const invoiceKey = (number: string) =>
  number
    .replace(/[\s-]/g, '')
    .replace(/^NO\.?/i, '')
    .toUpperCase();

/**
 * Projections of a funded project (domain.md §2.7–2.14): progress and capital, payments with their
 * invoices and risk flags, acceptance, assets, income, evaluations, rectification and replacement.
 * Every row id comes from the workflow (project + request id or sequence) and every write is
 * guarded by the row's current status, so an activity retried after a crash changes nothing the
 * first attempt already did: a payment is marked paid, and counted into the project's disbursed
 * total, exactly once. Each activity writes the project's stage and its audit event in the same
 * transaction.
 */
export function createOperationActivities({ prisma }: { prisma: TPrisma }) {
  /**
   * One transaction: the writes, the stage, and the audit event keyed by the fact. Payments and
   * commands run beside the stages, so their activities may finish in any order: the stage is
   * written only if its version is not older than the one the row has.
   */
  const write = <T>(projectId: string, staged: TStaged, audit: TAudit, fn: (tx: TTx) => Promise<T>) =>
    prisma.$transaction(async (tx) => {
      const result = await fn(tx);
      if (staged.stage) await writeStage(tx, projectId, staged);
      await writeAuditEvent(tx, { ...audit, entityType: 'Project', entityId: projectId });
      return result;
    });

  /** The write of a command's record: its audit event names the sender and the request; the stage, when the command moved it. */
  const writeCommand = <T>(command: TCommandRecord & Partial<TStaged>, audit: TOmitEach<TAudit, 'actorId' | 'requestId'>, fn: (tx: TTx) => Promise<T>) =>
    write(
      command.projectId,
      { stage: command.stage ?? null, stageVersion: command.stageVersion },
      { ...audit, actorId: command.actorId, requestId: command.requestId },
      fn,
    );

  const openTask = (tx: TTx, projectId: string, t: TTaskToOpen) => openProjectTask(tx, { ...t, projectId });

  return {
    /** A lifecycle-owned task (evaluation form, rectification plan, handover…) and the stage. */
    async openOwnTask(args: { projectId: string; stage: string; stageVersion?: number; task: TTaskToOpen }) {
      await write(
        args.projectId,
        args,
        { eventKey: `task-opened:${args.task.id}`, action: 'TASK_OPENED', details: { taskId: args.task.id, kind: args.task.kind } },
        (tx) => openTask(tx, args.projectId, args.task),
      );
    },

    async closeOwnTask(args: {
      projectId: string;
      stage: string;
      stageVersion?: number;
      taskId: string;
      outcome: string;
      actorId: string | null;
      requestId: string | null;
      at: number;
    }) {
      await write(
        args.projectId,
        args,
        {
          eventKey: `task-closed:${args.taskId}`,
          actorId: args.actorId,
          requestId: args.requestId,
          action: 'TASK_DONE',
          details: { taskId: args.taskId, outcome: args.outcome },
        },
        (tx) =>
          tx.task.updateMany({
            where: { id: args.taskId, status: 'PENDING' },
            data: { status: 'DONE', outcome: args.outcome, assigneeId: args.actorId, completedAt: new Date(args.at), updatedAt: new Date(args.at) },
          }),
      );
    },

    /** Just the stage and an audit event (a stage change with no record of its own). */
    async noteProjectEvent({
      projectId,
      stage,
      stageVersion,
      ...audit
    }: {
      projectId: string;
      stage: string | null;
      stageVersion?: number;
    } & TAudit) {
      await write(projectId, { stage, stageVersion }, audit, async () => undefined);
    },

    async recordReport(
      args: TStagedCommandRecord & {
        reportId: string;
        kind: 'PROGRESS' | 'CAPITAL';
        percent: number | null;
        amountFen: number | null;
        evidence: string[];
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `report:${args.requestId}`,
          action: args.kind === 'PROGRESS' ? 'PROGRESS_REPORTED' : 'CAPITAL_REPORTED',
          details: { reportId: args.reportId, percent: args.percent, amountFen: args.amountFen, evidence: args.evidence },
        },
        (tx) =>
          tx.progressReport.createMany({
            data: [
              {
                id: args.reportId,
                requestId: args.requestId,
                projectId: args.projectId,
                kind: args.kind,
                percent: args.percent,
                amountFen: args.amountFen === null ? null : BigInt(args.amountFen),
                evidence: args.evidence,
                reportedBy: args.actorId,
                reportedAt: new Date(args.at),
              },
            ],
            skipDuplicates: true,
          }),
      );
    },

    async verifyReport(args: TStagedCommandRecord & { reportId: string }) {
      await writeCommand(
        args,
        {
          eventKey: `report-verified:${args.reportId}`,
          action: 'REPORT_VERIFIED',
          details: { reportId: args.reportId },
        },
        (tx) =>
          tx.progressReport.updateMany({ where: { id: args.reportId, verifiedAt: null }, data: { verifiedBy: args.actorId, verifiedAt: new Date(args.at) } }),
      );
    },

    /** 拨付申请: the Payment row (VERIFYING) and its invoices. */
    async recordPaymentRequest(
      args: TStagedCommandRecord & {
        paymentId: string;
        seq: number;
        tranche: string;
        amountFen: number;
        payeeId: string;
        payeeAccount: string | null;
        invoices: Array<{ number: string; sha256: string }>;
        /** The fiscal source that pays (CENTRAL_LINKAGE, LOCAL, OTHER); absent for payments from before the rule. */
        fiscalSource?: string;
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `payment-requested:${args.paymentId}`,
          action: 'PAYMENT_REQUESTED',
          details: {
            paymentId: args.paymentId,
            tranche: args.tranche,
            amountFen: args.amountFen,
            payeeId: args.payeeId,
            invoices: args.invoices,
            ...(args.fiscalSource ? { fiscalSource: args.fiscalSource } : {}),
          },
        },
        async (tx) => {
          await tx.payment.createMany({
            data: [
              {
                id: args.paymentId,
                requestId: args.requestId,
                projectId: args.projectId,
                seq: args.seq,
                tranche: args.tranche,
                amountFen: BigInt(args.amountFen),
                payeeId: args.payeeId,
                payeeAccount: args.payeeAccount,
                status: 'VERIFYING',
                requestedBy: args.actorId,
                requestedAt: new Date(args.at),
                fiscalSource: args.fiscalSource ?? null,
              },
            ],
            skipDuplicates: true,
          });
          await tx.invoice.createMany({
            data: args.invoices.map((inv, i) => ({
              id: `${args.paymentId}:${i}`,
              paymentId: args.paymentId,
              projectId: args.projectId,
              number: inv.number,
              numberKey: invoiceKey(inv.number),
              sha256: inv.sha256.toLowerCase(),
            })),
            skipDuplicates: true,
          });
        },
      );
    },

    /**
     * 风险排查: the pure checks over the facts the workflow knows plus every other payment's
     * invoices in the database (any project; rejected and withdrawn payments excluded, their
     * invoices were never paid against). Flags are written OPEN and block the payment.
     */
    async screenPayment(args: { paymentId: string; projectId: string; facts: Omit<TRiskCheckInput, 'existingInvoices'>; at: number }): Promise<TRiskFlag[]> {
      const mine = await prisma.invoice.findMany({ where: { paymentId: args.paymentId } });
      const keys = mine.map((i) => i.numberKey);
      const hashes = mine.map((i) => i.sha256);
      const others = mine.length
        ? await prisma.invoice.findMany({
            where: {
              paymentId: { not: args.paymentId },
              OR: [{ numberKey: { in: keys } }, { sha256: { in: hashes } }],
              payment: { status: { notIn: ['REJECTED', 'WITHDRAWN'] } },
            },
          })
        : [];
      const flags = runRiskChecks({
        ...args.facts,
        existingInvoices: others.map((o) => ({ number: o.number, sha256: o.sha256, paymentId: o.paymentId, projectId: o.projectId })),
      });
      await write(
        args.projectId,
        { stage: null },
        {
          eventKey: `payment-screened:${args.paymentId}`,
          action: flags.length ? 'PAYMENT_FLAGGED' : 'PAYMENT_SCREENED',
          details: { paymentId: args.paymentId, flags: flags.map((f) => ({ code: f.code, message: f.message })) },
        },
        async (tx) => {
          await tx.riskFlag.createMany({
            data: flags.map((f) => ({
              id: `${args.paymentId}:${f.code}`,
              projectId: args.projectId,
              paymentId: args.paymentId,
              code: f.code,
              status: 'OPEN',
              message: f.message,
              details: f.details as Prisma.InputJsonValue,
              raisedAt: new Date(args.at),
            })),
            skipDuplicates: true,
          });
          await tx.payment.updateMany({ where: { id: args.paymentId, status: 'RISK_CHECK' }, data: { status: flags.length ? 'FLAGGED' : 'FINANCE_APPROVAL' } });
        },
      );
      return flags;
    },

    /**
     * The finance bureau dismissed (the payment goes on) or confirmed (a fund violation) the flags;
     * `codes`: only those (an overspend flag is the leading group's, by a 项目变更 approval, and is
     * recorded as PROJECT_CHANGE_APPROVED / _REJECTED). Without codes: every open flag, as before.
     */
    async resolveRiskFlags(args: {
      paymentId: string;
      projectId: string;
      resolution: 'DISMISSED' | 'CONFIRMED';
      actorId: string | null;
      reason: string | null;
      at: number;
      codes?: string[];
      byProjectChange?: boolean;
    }) {
      const action = args.byProjectChange
        ? args.resolution === 'DISMISSED'
          ? 'PROJECT_CHANGE_APPROVED'
          : 'PROJECT_CHANGE_REJECTED'
        : args.resolution === 'DISMISSED'
          ? 'RISK_FLAGS_DISMISSED'
          : 'RISK_FLAGS_CONFIRMED';
      await write(
        args.projectId,
        { stage: null },
        {
          eventKey: `flags-${args.resolution.toLowerCase()}:${args.paymentId}${args.codes ? `:${args.codes.join('+')}` : ''}`,
          actorId: args.actorId,
          action,
          comment: args.reason,
          details: { paymentId: args.paymentId, ...(args.codes ? { codes: args.codes } : {}) },
        },
        (tx) =>
          tx.riskFlag.updateMany({
            where: { paymentId: args.paymentId, status: 'OPEN', ...(args.codes ? { code: { in: args.codes } } : {}) },
            data: { status: args.resolution, resolvedBy: args.actorId, resolvedAt: new Date(args.at) },
          }),
      );
    },

    /** A payment moves on (never back from a final status). */
    async setPaymentStatus(args: { paymentId: string; projectId: string; status: string; actorId?: string | null; at: number }) {
      await write(
        args.projectId,
        { stage: null },
        {
          eventKey: `payment-${args.status.toLowerCase()}:${args.paymentId}`,
          actorId: args.actorId ?? null,
          // Checked here already: the status comes as a string from the payment machine's state.
          ...checkAuditPayload({ action: `PAYMENT_${args.status}`, details: { paymentId: args.paymentId } }),
        },
        (tx) =>
          tx.payment.updateMany({
            where: { id: args.paymentId, status: { notIn: ['PAID', 'REJECTED', 'WITHDRAWN'] } },
            data: { status: args.status, ...(['APPROVED', 'REJECTED', 'WITHDRAWN'].includes(args.status) ? { decidedAt: new Date(args.at) } : {}) },
          }),
      );
    },

    /**
     * 支付: the money leaves once. The status guard makes the transfer and the disbursed total move
     * together or not at all; a retry after a crash finds PAID and only reads the total.
     */
    async payPayment(args: { paymentId: string; projectId: string; amountFen: number; at: number }) {
      const paid = await write(
        args.projectId,
        { stage: null },
        {
          eventKey: `payment-paid:${args.paymentId}`,
          action: 'PAYMENT_PAID',
          details: { paymentId: args.paymentId, amountFen: args.amountFen, voucherNo: `PV-${args.paymentId}` },
        },
        async (tx) => {
          const paid = await tx.payment.updateMany({
            where: { id: args.paymentId, status: 'APPROVED' },
            data: { status: 'PAID', voucherNo: `PV-${args.paymentId}`, paidAt: new Date(args.at) },
          });
          const project =
            paid.count === 1
              ? await tx.project.update({ where: { id: args.projectId }, data: { disbursedFen: { increment: BigInt(args.amountFen) } } })
              : await tx.project.findUniqueOrThrow({ where: { id: args.projectId } });
          return { disbursedFen: Number(project.disbursedFen), newlyPaid: paid.count === 1 };
        },
      );
      if (paid.newlyPaid) countPaymentPaid(args.amountFen);
      return paid;
    },

    async recordAcceptance(args: {
      projectId: string;
      round: number;
      result: 'PENDING' | 'PASSED' | 'FAILED' | 'RETURNED';
      decidedBy: string | null;
      vote?: object;
      at: number;
      stage: string;
      stageVersion?: number;
    }) {
      const id = `${args.projectId}:acceptance:${args.round}`;
      await write(
        args.projectId,
        args,
        {
          eventKey: `acceptance-${args.result.toLowerCase()}:${id}${args.vote ? ':vote' : ''}`,
          actorId: args.decidedBy,
          ...checkAuditPayload({
            action: args.vote ? 'ACCEPTANCE_VOTE_RECORDED' : `ACCEPTANCE_${args.result}`,
            details: { round: args.round, vote: args.vote },
          }),
        },
        async (tx) => {
          await tx.acceptance.upsert({
            where: { id },
            create: {
              id,
              projectId: args.projectId,
              round: args.round,
              result: args.result,
              vote: args.vote as Prisma.InputJsonValue,
              decidedBy: args.result === 'PENDING' ? null : args.decidedBy,
              decidedAt: args.result === 'PENDING' ? null : new Date(args.at),
            },
            update: args.vote ? { vote: args.vote as Prisma.InputJsonValue } : { result: args.result, decidedBy: args.decidedBy, decidedAt: new Date(args.at) },
          });
        },
      );
    },

    async registerAsset(
      args: TStagedCommandRecord & {
        assetId: string;
        name: string;
        assetClass: string;
        valueFen: number;
        owner: string;
        custodian: string;
        certificateNo: string | null;
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `asset-registered:${args.assetId}`,
          action: 'ASSET_REGISTERED',
          details: { assetId: args.assetId, name: args.name, assetClass: args.assetClass, valueFen: args.valueFen },
        },
        async (tx) => {
          // The register's village, county and funding source come from the project that formed the asset.
          const project = await tx.project.findUniqueOrThrow({
            where: { id: args.projectId },
            select: { villageId: true, orgPath: true, countyId: true, proposal: true },
          });
          const lines = (project.proposal as { fundingSources?: Array<{ source: string; amountFen: number }> } | null)?.fundingSources ?? [];
          return tx.asset.createMany({
            data: [
              {
                id: args.assetId,
                requestId: args.requestId,
                projectId: args.projectId,
                name: args.name,
                assetClass: args.assetClass,
                valueFen: BigInt(args.valueFen),
                owner: args.owner,
                custodian: args.custodian,
                certificateNo: args.certificateNo,
                registeredBy: args.actorId,
                registeredAt: new Date(args.at),
                orgUnitId: project.villageId,
                orgPath: project.orgPath,
                countyId: project.countyId,
                fundingSource: assetFundingSourceOfProject(lines),
              },
            ],
            skipDuplicates: true,
          });
        },
      );
    },

    async confirmHandover(
      args: TStagedCommandRecord & {
        assetIds: string[];
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `handover:${args.requestId}`,
          action: 'ASSETS_HANDED_OVER',
          details: { assetIds: args.assetIds },
        },
        (tx) =>
          tx.asset.updateMany({
            where: { id: { in: args.assetIds }, handedOverAt: null },
            data: { handedOverBy: args.actorId, handedOverAt: new Date(args.at) },
          }),
      );
    },

    async recordIncome(
      args: TCommandRecord & {
        recordId: string;
        period: string;
        incomeFen: number;
        distributedFen: number;
        retainedFen: number;
        dividendRateBp: number;
        meetsMinimum: boolean;
        distribution: object[];
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `income:${args.recordId}`,
          action: 'INCOME_DISTRIBUTED',
          details: { period: args.period, incomeFen: args.incomeFen, distributedFen: args.distributedFen, dividendRateBp: args.dividendRateBp },
        },
        (tx) =>
          tx.incomeRecord.createMany({
            data: [
              {
                id: args.recordId,
                requestId: args.requestId,
                projectId: args.projectId,
                period: args.period,
                incomeFen: BigInt(args.incomeFen),
                distributedFen: BigInt(args.distributedFen),
                retainedFen: BigInt(args.retainedFen),
                dividendRateBp: args.dividendRateBp,
                meetsMinimum: args.meetsMinimum,
                distribution: args.distribution as Prisma.InputJsonValue,
                recordedBy: args.actorId,
                recordedAt: new Date(args.at),
              },
            ],
            skipDuplicates: true,
          }),
      );
    },

    async recordEvaluation(
      args: TStagedCommandRecord & {
        evaluationId: string;
        seq: number;
        indicators: object;
        scoreTenths: number;
        grade: string;
        outcomeClass: string;
        /** With an outcome class other than the grade's suggestion: the suggestion and the evaluator's reason (audit details). */
        suggestedOutcome?: string;
        outcomeReason?: string | null;
      },
    ) {
      const override = args.suggestedOutcome ? { suggestedOutcome: args.suggestedOutcome, outcomeReason: args.outcomeReason ?? null } : {};
      await writeCommand(
        args,
        {
          eventKey: `evaluation-submitted:${args.evaluationId}`,
          action: 'EVALUATION_SUBMITTED',
          details: { evaluationId: args.evaluationId, scoreTenths: args.scoreTenths, grade: args.grade, outcomeClass: args.outcomeClass, ...override },
        },
        (tx) =>
          tx.evaluation.createMany({
            data: [
              {
                id: args.evaluationId,
                projectId: args.projectId,
                seq: args.seq,
                indicators: args.indicators as Prisma.InputJsonValue,
                scoreTenths: args.scoreTenths,
                grade: args.grade,
                outcomeClass: args.outcomeClass,
                status: 'SUBMITTED',
                submittedBy: args.actorId,
                submittedAt: new Date(args.at),
              },
            ],
            skipDuplicates: true,
          }),
      );
    },

    /** The evaluation step decided: APPROVED sets the project's latest grade. */
    async decideEvaluation(args: {
      evaluationId: string;
      projectId: string;
      status: 'APPROVED' | 'REJECTED';
      grade: string;
      actorId: string | null;
      at: number;
      stage: string;
      stageVersion?: number;
    }) {
      await write(
        args.projectId,
        args,
        {
          eventKey: `evaluation-${args.status.toLowerCase()}:${args.evaluationId}`,
          actorId: args.actorId,
          action: `EVALUATION_${args.status}`,
          details: { evaluationId: args.evaluationId, grade: args.grade },
        },
        async (tx) => {
          const changed = await tx.evaluation.updateMany({
            where: { id: args.evaluationId, status: 'SUBMITTED' },
            data: { status: args.status, decidedAt: new Date(args.at) },
          });
          if (changed.count === 1 && args.status === 'APPROVED') await tx.project.update({ where: { id: args.projectId }, data: { latestGrade: args.grade } });
        },
      );
    },

    async openRectification(args: {
      rectificationId: string;
      projectId: string;
      kind: 'ACCEPTANCE' | 'EVALUATION';
      at: number;
      stage: string;
      stageVersion?: number;
      task: TTaskToOpen;
    }) {
      await write(
        args.projectId,
        args,
        {
          eventKey: `rectification-opened:${args.rectificationId}`,
          action: 'RECTIFICATION_OPENED',
          details: { rectificationId: args.rectificationId, kind: args.kind },
        },
        async (tx) => {
          await tx.rectification.createMany({
            data: [{ id: args.rectificationId, projectId: args.projectId, kind: args.kind, status: 'OPEN', openedAt: new Date(args.at) }],
            skipDuplicates: true,
          });
          await openTask(tx, args.projectId, args.task);
        },
      );
    },

    /** The plan and its deadline (evaluation rectification), or the work done (acceptance). */
    async updateRectification(
      args: TStagedCommandRecord & {
        rectificationId: string;
        plan: string | null;
        dueAt: number | null;
        done: boolean;
        taskId: string;
      },
    ) {
      await writeCommand(
        args,
        {
          eventKey: `rectification-${args.done ? 'done' : 'planned'}:${args.rectificationId}`,
          action: args.done ? 'RECTIFICATION_DONE' : 'RECTIFICATION_PLANNED',
          comment: args.plan,
          details: { rectificationId: args.rectificationId, dueAt: args.dueAt ? new Date(args.dueAt).toISOString() : null },
        },
        async (tx) => {
          await tx.rectification.updateMany({
            where: { id: args.rectificationId, status: 'OPEN' },
            data: {
              plan: args.plan ?? undefined,
              dueAt: args.dueAt ? new Date(args.dueAt) : undefined,
              ...(args.done ? { status: 'DONE', closedAt: new Date(args.at) } : {}),
            },
          });
          await tx.task.updateMany({
            where: { id: args.taskId, status: 'PENDING' },
            data: {
              status: 'DONE',
              outcome: args.done ? 'RECTIFIED' : 'PLANNED',
              assigneeId: args.actorId,
              completedAt: new Date(args.at),
              updatedAt: new Date(args.at),
            },
          });
        },
      );
    },

    async closeRectification(args: { rectificationId: string; projectId: string; at: number }) {
      await prisma.rectification.updateMany({ where: { id: args.rectificationId, status: 'OPEN' }, data: { status: 'DONE', closedAt: new Date(args.at) } });
    },

    /** 调换: both projects point at each other; the old one is closed. */
    async linkReplacement(args: {
      fromProjectId: string;
      toProjectId: string;
      redirectedFen: number;
      actorId: string | null;
      at: number;
      stage: string;
      stageVersion?: number;
    }) {
      await write(
        args.fromProjectId,
        args,
        {
          eventKey: `replaced:${args.fromProjectId}`,
          actorId: args.actorId,
          action: 'PROJECT_REPLACED',
          details: { replacementProjectId: args.toProjectId, redirectedFen: args.redirectedFen },
        },
        async (tx) => {
          await tx.project.update({ where: { id: args.fromProjectId }, data: { replacedByProjectId: args.toProjectId } });
          await tx.project.update({ where: { id: args.toProjectId }, data: { replacesProjectId: args.fromProjectId } });
          await writeAuditEvent(tx, {
            eventKey: `replaces:${args.toProjectId}:${args.fromProjectId}`,
            actorId: args.actorId,
            action: 'PROJECT_REPLACES',
            entityType: 'Project',
            entityId: args.toProjectId,
            details: { replacedProjectId: args.fromProjectId, redirectedFen: args.redirectedFen },
          });
        },
      );
    },

    /** Is this project in the pool (a replacement must come from there)? */
    async poolProject(args: { projectId: string }) {
      const p = await prisma.project.findUnique({ where: { id: args.projectId } });
      return p ? { projectId: p.id, workflowId: p.workflowId, stage: p.stage, countyId: p.countyId, replacesProjectId: p.replacesProjectId } : null;
    },
  };
}
