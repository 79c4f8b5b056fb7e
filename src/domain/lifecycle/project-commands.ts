import * as z from '../shape';
import { findGrant, type TActor } from '../actor';
import type { TRefusal } from '../errors';
import { ZEvaluationIndicators, ZOutcomeClass } from '../policies/evaluation-scoring';
import { ZBeneficiaryHousehold, ZDistributionPlan } from '../policies/income-distribution';
import { ZTranche } from '../policies/disbursement-schedule';
import { ZInvoiceRef } from '../policies/risk-checks';
import { ZCalendarDate } from '../policies/calendar-date';
import { ZAmountFen, ZAmountOrZeroFen } from '../policies/money';
import { ZVisibleName } from '../policies/visible-name';
import type { TRole } from '../roles';
import { stagesFrom, type TLifecycleStage } from './lifecycle-machine';
import { ZFiscalSource } from './fiscal-funding';

/**
 * What people do to a project once it is funded (domain.md §2.7–2.14), one command per fact:
 * progress and own capital, payments, acceptance, assets, income, defects, evaluations,
 * rectification plans and replacement proposals. The API validates a body with `ZProjectCommand`
 * and the workflow checks role, scope and stage with `projectCommandRefusal` in its update
 * validator, so a refused command changes nothing anywhere.
 */

const ZEvidence = z.array(z.string().trim().min(1).max(500)).min(1, 'evidence (links or file references) is required').max(20);
const ZText = z.string().trim().min(1).max(2000);

/** The checks that tightened over time: money up to MAX_AMOUNT_FEN, asset names with a visible character. */
interface TCommandBounds {
  amount: z.Shape<z.ZodOf<typeof ZAmountFen>>;
  amountOrZero: z.Shape<z.ZodOf<typeof ZAmountOrZeroFen>>;
  assetName: z.Shape<z.ZodOf<ReturnType<typeof ZVisibleName>>>;
}

const projectCommandSchema = ({ amount: ZFenAmount, amountOrZero, assetName }: TCommandBounds) =>
  z.discriminatedUnion('type', [
    /** 进度: percent complete, with evidence; counts once verified. */
    z.strictObject({ type: z.literal('REPORT_PROGRESS'), percent: z.int().min(0).max(100), evidence: ZEvidence }),
    /** 资本金到位: own capital that arrived, with the bank slip; counts once verified. */
    z.strictObject({ type: z.literal('REPORT_CAPITAL'), amountFen: ZFenAmount, evidence: ZEvidence }),
    /** The supervising department (progress) or the finance bureau (capital) verifies a report. */
    z.strictObject({ type: z.literal('VERIFY_REPORT'), reportId: z.string().min(1).max(200) }),
    /** 拨付申请: a tranche, the amount, the payee and the invoices it rests on. */
    z.strictObject({
      type: z.literal('REQUEST_PAYMENT'),
      tranche: ZTranche,
      amountFen: ZFenAmount,
      payeeId: z.string().trim().min(1).max(100),
      payeeAccount: z.string().trim().min(1).max(64).optional(),
      invoices: z.array(ZInvoiceRef).max(50).default([]),
      /** Total spending so far including this request (from the settlement), when known. */
      reportedTotalSpendFen: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      /** The fiscal source that pays (CENTRAL_LINKAGE, LOCAL, OTHER); derived when left out. */
      fiscalSource: ZFiscalSource.optional(),
    }),
    z.strictObject({ type: z.literal('REQUEST_ACCEPTANCE') }),
    /** Village representatives' vote on quality and satisfaction, recorded with the inspection. */
    z.strictObject({
      type: z.literal('RECORD_ACCEPTANCE_VOTE'),
      /** The village's representatives (村民代表), the quorum's base; required since the vote decides. */
      representatives: z.int().min(1).max(100_000).optional(),
      votesFor: z.int().min(0).max(100_000),
      votesAgainst: z.int().min(0).max(100_000),
      abstentions: z.int().min(0).max(100_000).default(0),
      satisfactionPercent: z.int().min(0).max(100),
    }),
    /** 整改完成: the failed inspection's findings are fixed; asks for re-inspection. */
    z.strictObject({ type: z.literal('RECTIFIED'), text: ZText }),
    /** 确权登记: one asset formed by the project. */
    z.strictObject({
      type: z.literal('REGISTER_ASSET'),
      name: assetName,
      assetClass: z.enum(['OPERATING', 'PUBLIC_WELFARE', 'HOUSEHOLD']),
      valueFen: ZFenAmount,
      owner: z.string().trim().min(1).max(200),
      custodian: z.string().trim().min(1).max(200),
      certificateNo: z.string().trim().min(1).max(100).optional(),
    }),
    /** 移交: the receiving party confirms it took over every registered asset. */
    z.strictObject({ type: z.literal('CONFIRM_HANDOVER') }),
    /** 收益分配: income of the operating assets for a period and the households it goes to. */
    z.strictObject({
      type: z.literal('RECORD_INCOME'),
      period: z.strictObject({ from: ZCalendarDate, until: ZCalendarDate }),
      incomeFen: amountOrZero,
      households: z.array(ZBeneficiaryHousehold).min(1).max(5000),
      plan: ZDistributionPlan.optional(),
    }),
    /** A defect found after handover: holds back the retention until its repair is verified. */
    z.strictObject({ type: z.literal('REPORT_DEFECT'), text: ZText }),
    /** 缺陷修复: the implementer reports a defect repaired, with evidence. */
    z.strictObject({ type: z.literal('REPORT_DEFECT_REPAIRED'), defectId: z.string().min(1).max(200), evidence: ZEvidence, text: ZText.optional() }),
    /** The supervising department verifies the repair (ACCEPTED closes the defect; REJECTED, with a comment, reopens it). */
    z.strictObject({
      type: z.literal('VERIFY_DEFECT_REPAIR'),
      defectId: z.string().min(1).max(200),
      result: z.enum(['ACCEPTED', 'REJECTED']).default('ACCEPTED'),
      comment: ZText.optional(),
    }),
    /** 绩效评价: the indicators; the workflow scores them with the county's weights. */
    z.strictObject({
      type: z.literal('SUBMIT_EVALUATION'),
      indicators: ZEvaluationIndicators,
      outcomeClass: ZOutcomeClass.optional(),
      /** Why the outcome class differs from the one the grade suggests (required then). */
      outcomeReason: z.string().trim().min(1).max(2000).optional(),
      comment: z.string().trim().max(2000).optional(),
    }),
    /** 整治方案: what will be done and by when (days from now). */
    z.strictObject({ type: z.literal('SUBMIT_RECTIFICATION_PLAN'), plan: ZText, dueInDays: z.int().min(1).max(730) }),
    /** 调换方案: the pool project that takes over the remaining funds and assets. */
    z.strictObject({ type: z.literal('PROPOSE_REPLACEMENT'), replacementProjectId: z.string().min(1).max(100), reason: ZText }),
  ]);

/** A command as the API and the workflow's update validator accept it now. */
export const ZProjectCommand = projectCommandSchema({ amount: ZAmountFen, amountOrZero: ZAmountOrZeroFen, assetName: ZVisibleName({ max: 200 }) });

/**
 * A command the workflow already accepted, as its update handler re-parses it (to fill defaults).
 * Validators do not run on replay but handlers do, so the handler keeps the looser checks of
 * before the bounds: an update accepted then must still apply when its history is replayed.
 */
export const ZAcceptedProjectCommand = projectCommandSchema({
  amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  amountOrZero: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  assetName: z.string().trim().min(1).max(200),
});
export type TProjectCommand = z.output<typeof ZProjectCommand>;
export type TProjectCommandInput = z.input<typeof ZProjectCommand>;
export type TProjectCommandType = TProjectCommand['type'];

interface TCommandRule {
  roles: readonly TRole[];
  stages: readonly TLifecycleStage[];
}

const AFTER_FUNDING = stagesFrom('IMPLEMENTATION', 'REPLACEMENT_REVIEW');
const AFTER_HANDOVER = stagesFrom('OPERATION', 'REPLACEMENT_REVIEW');
const BUILDING: readonly TLifecycleStage[] = ['IMPLEMENTATION', 'ACCEPTANCE', 'ACCEPTANCE_RECTIFICATION'];

/** Who may send each command, and in which stages. Scope: the grant must cover the project's village. */
export const PROJECT_COMMAND_RULES: Record<TProjectCommandType, TCommandRule> = {
  REPORT_PROGRESS: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: BUILDING },
  REPORT_CAPITAL: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: BUILDING },
  VERIFY_REPORT: { roles: ['TOWNSHIP_REVIEWER', 'COUNTY_AGRICULTURE', 'COUNTY_FINANCE'], stages: BUILDING },
  REQUEST_PAYMENT: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: AFTER_FUNDING },
  REQUEST_ACCEPTANCE: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: ['IMPLEMENTATION'] },
  RECORD_ACCEPTANCE_VOTE: { roles: ['VILLAGE_COMMITTEE'], stages: ['ACCEPTANCE'] },
  RECTIFIED: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: ['ACCEPTANCE_RECTIFICATION'] },
  REGISTER_ASSET: { roles: ['COUNTY_AGRICULTURE', 'VILLAGE_COMMITTEE'], stages: ['ASSET_HANDOVER'] },
  CONFIRM_HANDOVER: { roles: ['VILLAGE_COMMITTEE'], stages: ['ASSET_HANDOVER'] },
  RECORD_INCOME: { roles: ['VILLAGE_COMMITTEE'], stages: AFTER_HANDOVER },
  REPORT_DEFECT: { roles: ['VILLAGE_COMMITTEE', 'TOWNSHIP_REVIEWER', 'COUNTY_AGRICULTURE', 'MONITOR'], stages: AFTER_HANDOVER },
  REPORT_DEFECT_REPAIRED: { roles: ['IMPLEMENTER', 'VILLAGE_COMMITTEE'], stages: AFTER_HANDOVER },
  // The supervising department, as for a progress report (VERIFIER_ROLES.PROGRESS).
  VERIFY_DEFECT_REPAIR: { roles: ['TOWNSHIP_REVIEWER', 'COUNTY_AGRICULTURE'], stages: AFTER_HANDOVER },
  SUBMIT_EVALUATION: { roles: ['COUNTY_AGRICULTURE'], stages: ['EVALUATION'] },
  SUBMIT_RECTIFICATION_PLAN: { roles: ['VILLAGE_COMMITTEE'], stages: ['RECTIFICATION'] },
  PROPOSE_REPLACEMENT: { roles: ['COUNTY_AGRICULTURE'], stages: ['REPLACEMENT_REVIEW'] },
};

/** Progress is verified by the supervising department; own capital by the finance bureau. */
export const VERIFIER_ROLES: Record<'PROGRESS' | 'CAPITAL', readonly TRole[]> = {
  PROGRESS: ['TOWNSHIP_REVIEWER', 'COUNTY_AGRICULTURE'],
  CAPITAL: ['COUNTY_FINANCE'],
};

/** @deprecated the one refusal shape is `TRefusal` (src/domain/errors.ts). */
export type TCommandRefusal = TRefusal;

/** The grant the actor uses for this command on a project at `projectOrgPath`, or why not. */
export function commandGrant(actor: TActor, roles: readonly TRole[], projectOrgPath: string) {
  for (const role of roles) {
    const grant = findGrant(actor, role, projectOrgPath);
    if (grant) return { grant };
  }
  const held = actor.roles.filter((g) => roles.includes(g.role));
  return held.length
    ? { refusal: { code: 'OUT_OF_SCOPE' as const, message: `the project is outside the actor's ${held[0]!.role} scope`, field: 'actor.roles' } }
    : { refusal: { code: 'ROLE_NOT_ALLOWED' as const, message: `needs one of the roles ${roles.join(', ')}`, field: 'actor.roles' } };
}

/** Role, scope and stage of a command; the workflow adds the checks that need its own state. */
export function projectCommandRefusal(actor: TActor, command: TProjectCommand, stage: TLifecycleStage, projectOrgPath: string): TCommandRefusal | null {
  const rule = PROJECT_COMMAND_RULES[command.type];
  const { refusal } = commandGrant(actor, rule.roles, projectOrgPath);
  if (refusal) return refusal;
  if (!rule.stages.includes(stage)) {
    return {
      code: 'TRANSITION_NOT_ALLOWED',
      message: `${command.type} is not possible while the project is ${stage} (allowed in ${rule.stages.join(', ')})`,
      field: 'stage',
    };
  }
  return null;
}

/**
 * Whether a repeat of a request id comes from whoever sent it first, so it is answered with the
 * first result instead of refused. Answers stored before actor ids were recorded (carried across
 * continue-as-new in `ops.answered`) have none: their sender cannot be told apart, and refusing
 * every retry would strand the sender's own retry, so a missing actor id matches.
 */
export function isSameRequester(earlier: { actorId?: string | null }, actorId: string): boolean {
  return earlier.actorId == null || earlier.actorId === actorId;
}
