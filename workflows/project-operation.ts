import * as wf from '@temporalio/workflow';
import { PATCHES } from './patches';
import { orgPathSegments } from '../src/domain/actor';
import { initialTransition, type SnapshotFrom } from 'xstate';
import { transition } from './machine-transition';
import type { Activities } from '../activities';
import type { TLifecycleEvent, TLifecycleMachine, TLifecycleStage, TReviewStage } from '../src/domain/lifecycle/lifecycle-machine';
import {
  isSameRequester,
  projectCommandRefusal,
  ZAcceptedProjectCommand,
  ZProjectCommand,
  type TProjectCommand,
} from '../src/domain/lifecycle/project-commands';
import { OWN_TASKS, type TOwnTaskName } from '../src/domain/lifecycle/stage-tasks';
import { commandLifecycleEvent, projectCommandPreconditionRefusal, type TProjectFacts } from '../src/domain/lifecycle/project-command-preconditions';
import { openDefectCount } from '../src/domain/lifecycle/defect-repair';
import { addMonths } from '../src/domain/policies/calendar-date';
import { paymentRequestRefusal, planDisbursement, TRANCHE_LABELS_ZH, type TTranche } from '../src/domain/policies/disbursement-schedule';
import { decideOutcome, scoreEvaluation } from '../src/domain/policies/evaluation-scoring';
import { decideAcceptanceVote } from '../src/domain/lifecycle/acceptance-vote';
import { FISCAL_SOURCES, allocationBySource, paymentSource, type TFenBySource, type TFiscalSource } from '../src/domain/lifecycle/fiscal-funding';
import {
  financeReviewedFlags,
  OVERSPEND_FLAG,
  PAYMENT_DECIDING_ROLES,
  paymentMachine,
  paymentStepEvent,
  type TDecidingPaymentState,
  type TPaymentEvent,
} from '../src/domain/payment/payment-machine';
import { distributeIncome } from '../src/domain/policies/income-distribution';
import { formatFen, paymentCeilingRefusal } from '../src/domain/policies/money';
import type { TCountySettings } from '../src/domain/policies/settings';
import type { TRole } from '../src/domain/roles';
import type { TApprovalPhase, TSignerSlot } from '../src/domain/approval';
import type { TStepHost } from './step-host';
import { reviewEligibilityWindow, reviewEligibilityWindowId } from './review-eligibility-window';
import {
  projectActUpdate,
  replacementLinkSignal,
  type TOpenTask,
  type TOperationState,
  type TPaymentView,
  type TProjectActCommand,
  type TProjectActResult,
  type TProjectLifecycleInput,
  type TProjectState,
} from './messages/project';
import { approvalStepWorkflowId, type TApprovalStepOutcome } from './messages/approval-step';
import { ACTIVITY_OPTIONS } from './activity-options';
import { refuse } from './refusal';
import { continueAsNewSuggested } from './continue-as-new';

const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const REVIEWS_OWNED_HERE: readonly TReviewStage[] = ['ACCEPTANCE', 'EVALUATION', 'REPLACEMENT_REVIEW'];
/** Each deciding state's step id part (`payment-<seq>-<part>`, as recorded) and task kind. */
const PAYMENT_STEP_PARTS = { VERIFYING: 'verify', FLAGGED: 'flags', CHANGE_APPROVAL: 'change', FINANCE_APPROVAL: 'finance' } as const satisfies Record<
  TDecidingPaymentState,
  string
>;
const PAYMENT_STEP_KINDS = {
  verify: 'PAYMENT_VERIFICATION',
  flags: 'RISK_FLAG_REVIEW',
  change: 'PROJECT_CHANGE_APPROVAL',
  finance: 'PAYMENT_APPROVAL',
} as const;
const IN_FLIGHT: readonly TPaymentView['status'][] = ['VERIFYING', 'RISK_CHECK', 'FLAGGED', 'CHANGE_APPROVAL', 'FINANCE_APPROVAL', 'APPROVED'];

export function emptyOperationState(): TOperationState {
  return {
    reports: [],
    payments: [],
    paymentSeq: 0,
    acceptanceRound: 0,
    assets: [],
    incomePeriods: [],
    defects: 0,
    evaluationSeq: 0,
    evaluation: null,
    nextEvaluationAt: null,
    rectificationSeq: 0,
    rectificationDueAt: null,
    replacement: null,
    retentionRequested: false,
    replaces: null,
    ownTasks: [],
    answered: {},
    handoverDate: null,
    disbursedFen: 0,
    cycleDone: false,
  };
}

/** Today's calendar date in Asia/Shanghai, on the workflow's (deterministic) clock. */
const today = () => new Date(Date.now() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
/** Midnight in Asia/Shanghai of a calendar date, as epoch ms. */
const startOf = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

interface TOperationDeps {
  /** Where the payment steps run: hosted in the project, or child workflows (older runs). */
  steps: TStepHost;
  input: TProjectLifecycleInput;
  workflowId: string;
  settings: TCountySettings;
  ops: TOperationState;
  acts: wf.ActivityInterfaceFor<Activities>;
  snapshot: () => SnapshotFrom<TLifecycleMachine>;
  stage: () => TLifecycleStage;
  step: (event: TLifecycleEvent, actorId?: string, comment?: string) => TLifecycleStage;
  publishStage: () => void;
  history: TProjectState['history'];
  /** How many times the stage has changed (carried across continue-as-new). */
  stageVersion: () => number;
}

/**
 * Upgrade patch (issue #13, item 5): the payee accounts the finance bureau registers at funding are
 * kept (`ops.payeeAccounts`) and screened against each payment's account. Projects funded before it
 * have none recorded, and their payments screen as before (no registered accounts).
 */
export const PAYEE_ACCOUNTS_PATCH = PATCHES.payeeAccounts;

/**
 * Upgrade patch (issue #13, item 10): a payment flagged OVERSPEND_NEEDS_NEW_APPROVAL (批小建大) goes
 * to the county leading group's 项目变更 approval (its own step, PROJECT_CHANGE_APPROVAL), not to
 * the finance bureau's flag review; other flags keep the finance review. Decided when the flag is
 * raised: payments flagged before it keep the finance review their history recorded.
 */
export const OVERSPEND_CHANGE_PATCH = PATCHES.overspendLeadingGroup;

/** Upgrade patch (docs/upgrading.md): eligibility notices expire with their window. */
const REVIEW_ELIGIBILITY_EXPIRY_PATCH = PATCHES.reviewEligibilityExpiry;
/**
 * Upgrade patch (issue #13, item 11): a reported defect gets an id and can be repaired and the
 * repair verified; the retention withheld for open defects waits for their verified repair and is
 * released then. Defects reported before it have no id and hold the retention as they did.
 */
export const DEFECT_REPAIR_PATCH = PATCHES.defectRepairReleasesRetention;

/**
 * The funded project (domain.md §2.7–2.14), hosted inside `projectLifecycle`: the `projectAct`
 * update (every fact of implementation and operation), payments (each a small pipeline of approval
 * steps and risk checks running beside the stages), the timers of operation (evaluation due,
 * rectification deadline, retention release), and what happens around the acceptance, evaluation
 * and replacement steps. Workflow code: deterministic, every side effect an activity.
 */
export function createOperation(deps: TOperationDeps) {
  const { input, workflowId, settings, ops, acts, stage, step, publishStage } = deps;
  const { projectId } = input;
  const ctx = () => deps.snapshot().context;
  /** The stage for an activity to write, with its version (activities may finish out of order). */
  const staged = () => ({ stage: stage(), stageVersion: deps.stageVersion() });
  const county = input.county;
  const countyPath = orgPathSegments(county.path);
  const slot = (role: TRole, org: 'county' | 'village'): TSignerSlot =>
    org === 'county'
      ? { kind: 'role', role, orgUnitId: county.id, orgPath: countyPath }
      : { kind: 'role', role, orgUnitId: input.village.id, orgPath: orgPathSegments(input.village.path) };
  // Read when needed, not once: a returned proposal may be revised (input.proposal replaced) before funding.
  const implementerId = () => input.proposal.implementer.creditCode ?? input.proposal.implementer.name;
  const ownCapitalRequiredFen = () => input.proposal.fundingSources.filter((f) => f.source === 'OWN_CAPITAL').reduce((s, f) => s + f.amountFen, 0);
  let paymentsRunning = 0;
  let activitiesRunning = 0;
  /** Issue #13's rules, fixed for the project when its first run started (MONEY_ACCEPTANCE_RULES_PATCH). */
  const rules = ops.rules === true;

  /** Run an activity as part of a command or timer, counted so continue-as-new waits for it. */
  const track = async <T>(p: Promise<T>): Promise<T> => {
    activitiesRunning += 1;
    try {
      return await p;
    } finally {
      activitiesRunning -= 1;
    }
  };

  /**
   * 可申请容错纠错: the officials concerned are notified, and (patch REVIEW_ELIGIBILITY_EXPIRY_PATCH)
   * a child workflow of its own waits out the application window and closes the notices nobody
   * used. The child is abandoned: it outlives a continue-as-new or the project's end. Projects
   * notified before the patch keep their notices pending (docs/domain.md, fault-tolerance review).
   */
  const notifyEligibility = async ({ trigger, triggerRef, at }: { trigger: 'POOR_GRADE' | 'REPLACEMENT'; triggerRef: string; at: number }) => {
    const { closesAt } = await acts.notifyReviewEligibility({ projectId, trigger, triggerRef, at, windowDays: settings.faultTolerance.applicationWindowDays });
    if (!wf.patched(REVIEW_ELIGIBILITY_EXPIRY_PATCH)) return;
    await wf.startChild(reviewEligibilityWindow, {
      workflowId: reviewEligibilityWindowId({ projectId, trigger, triggerRef }),
      args: [{ projectId, trigger, triggerRef, closesAt }],
      parentClosePolicy: wf.ParentClosePolicy.ABANDON,
    });
  };

  // ---- own tasks -----------------------------------------------------------------------------

  const ownTaskId = (name: TOwnTaskName, n: number) => `${workflowId}:${OWN_TASKS[name].kind}:${n}`;
  const openOwnTask = async (name: TOwnTaskName, n: number, dueAt: number | null = null) => {
    const spec = OWN_TASKS[name];
    const org = spec.scope === 'county' ? county : input.village;
    const task: TOpenTask = {
      id: ownTaskId(name, n),
      kind: spec.kind,
      candidateRole: spec.candidateRole,
      candidateOrgUnitId: org.id,
      candidateOrgPath: org.path,
      openedAt: Date.now(),
    };
    if (!ops.ownTasks.some((t) => t.id === task.id)) ops.ownTasks.push(task);
    publishStage();
    await acts.openOwnTask({ projectId, ...staged(), task: { ...task, workflowId, title: `${spec.titleZh} · ${input.proposal.name}`, dueAt } });
    return task.id;
  };
  const dropOwnTask = (kind: string) => {
    const task = ops.ownTasks.find((t) => t.kind === kind);
    ops.ownTasks = ops.ownTasks.filter((t) => t.kind !== kind);
    return task?.id ?? null;
  };

  // ---- money ---------------------------------------------------------------------------------

  const paidByTranche = (statuses: readonly TPaymentView['status'][]) => {
    const sums: Partial<Record<TTranche, number>> = {};
    for (const p of ops.payments) if (statuses.includes(p.status)) sums[p.tranche] = (sums[p.tranche] ?? 0) + p.amountFen;
    return sums;
  };
  const plan = () =>
    planDisbursement({
      approvedBudgetFen: ctx().allocation?.amountFen ?? 0,
      schedule: settings.disbursement,
      verifiedProgressPercent: ctx().verifiedProgressPercent,
      ownCapitalRequiredFen: ownCapitalRequiredFen(),
      ownCapitalInvestedFen: ctx().ownCapitalInvestedFen,
      acceptancePassed: ctx().acceptancePassed,
      handoverDate: ops.handoverDate,
      openDefects: openDefects(),
      asOfDate: today(),
      // In-flight payments count: the same tranche cannot be requested twice at once.
      paidFenByTranche: paidByTranche(['PAID', ...IN_FLIGHT]),
    });
  const paymentInFlight = () => ops.payments.find((p) => IN_FLIGHT.includes(p.status));
  /** Defects not verified repaired: those without an id (reported before DEFECT_REPAIR_PATCH) never are. */
  const openDefects = () => ops.defects - (ops.defectList?.length ?? 0) + openDefectCount(ops.defectList ?? []);
  /** Fiscal money per source, paid (or, with in-flight, committed). */
  const paidBySource = (statuses: readonly TPaymentView['status'][]) => {
    const sums: Partial<TFenBySource> = {};
    for (const p of ops.payments) if (p.fiscalSource && statuses.includes(p.status)) sums[p.fiscalSource] = (sums[p.fiscalSource] ?? 0) + p.amountFen;
    return sums;
  };
  /** Which fiscal source pays a new payment (fiscal-funding.ts), or why none can. */
  const sourceFor = (amountFen: number, requested?: TFiscalSource) =>
    paymentSource({
      amountFen,
      requested,
      allocatedFen: ctx().allocation?.amountFen ?? 0,
      fundingSources: input.proposal.fundingSources,
      usedFen: paidBySource(['PAID', ...IN_FLIGHT]),
    });

  /**
   * The approval step of a deciding state of the payment machine: verification, the finance
   * bureau's risk-flag review, the leading group's 项目变更 approval of an overspend (批小建大, a new
   * 批复), finance approval. Its candidates are the role the machine says decides that state.
   */
  const paymentStep = async (p: TPaymentView, state: TDecidingPaymentState, flagCodes: readonly string[] = p.flags): Promise<TApprovalStepOutcome> => {
    const part = PAYMENT_STEP_PARTS[state];
    const role: TRole = PAYMENT_DECIDING_ROLES[state];
    const title =
      part === 'verify'
        ? '拨付核验'
        : part === 'flags'
          ? `风险核查（${flagCodes.join('、')}）`
          : part === 'change'
            ? '项目变更审批（超概算重新批复）'
            : '财政审批拨付';
    const stepId = `payment-${p.seq}-${part}`;
    return deps.steps.run(
      {
        config: {
          stepId,
          mode: 'SEQUENTIAL',
          candidates: [slot(role, 'county')],
          applicantId: p.requestedBy,
          subjectOrgPath: orgPathSegments(input.village.path),
          dueAfterMs: settings.approvalTiming.escalateAfterHours * 60 * 60 * 1000,
          remindBeforeMs: (settings.approvalTiming.escalateAfterHours - settings.approvalTiming.reminderAfterHours) * 60 * 60 * 1000,
          urgeIntervalMs: settings.approvalTiming.urgeIntervalHours * 60 * 60 * 1000,
          allowWithdraw: part === 'verify',
        },
        projectId,
        kind: PAYMENT_STEP_KINDS[part],
        title: `${title} · ${TRANCHE_LABELS_ZH[p.tranche]} ${formatFen(p.amountFen)} · ${input.proposal.name}`,
        resubmitTask: {
          kind: 'PAYMENT_REVISE',
          title: '拨付申请退回修改',
          candidateRole: 'VILLAGE_COMMITTEE',
          candidateOrgUnitId: input.village.id,
          candidateOrgPath: input.village.path,
        },
      },
      { workflowId: approvalStepWorkflowId(workflowId, stepId, 1), staticSummary: `${title} · ${input.proposal.name} · ${formatFen(p.amountFen)}` },
    );
  };

  /**
   * Hosts the payment machine (src/domain/payment/payment-machine.ts) for one payment: each step's
   * outcome is an event, the payment's status is the state the machine moved to, and each state's
   * step or activity runs on entering it. The "paid" activity is guarded by the payment's status in
   * the same transaction as the disbursed total, so a crash between approval and payment pays once.
   * The commands are those of the status strings this replaced, in the same order, so payments
   * recorded before the machine replay; the overspend's 项目变更 step is patch-guarded.
   */
  const runPayment = async (p: TPaymentView) => {
    paymentsRunning += 1;
    let machine = initialTransition(paymentMachine)[0];
    /** The payment's state (read through a call: the machine moves it between awaits). */
    const state = (): TPaymentView['status'] => p.status;
    /** Steps the machine (synchronously: no extra await between the recorded commands). */
    const advance = (event: TPaymentEvent): boolean => {
      if (!machine.can(event)) return false;
      [machine] = transition(paymentMachine, machine, event);
      p.status = machine.value;
      p.flags = [...machine.context.flags];
      return true;
    };
    /** An event the machine refuses changes nothing and is recorded for a monitor (never expected: each outcome maps to its state's event). */
    const refused = (event: TPaymentEvent) =>
      acts.noteProjectEvent({
        projectId,
        stage: null,
        eventKey: `payment-event-refused:${p.id}:${p.status}:${event.type}`,
        action: 'PAYMENT_EVENT_REFUSED',
        details: { paymentId: p.id, status: p.status, event: event.type },
      });
    /** A final refusal: rejected or withdrawn, on record. */
    const finish = async (actorId: string | null) => {
      publishStage();
      await acts.setPaymentStatus({ paymentId: p.id, projectId, status: p.status, actorId, at: Date.now() });
    };
    try {
      // Each await below is where the status strings this replaced awaited: no extra turn of the
      // event loop, so commands keep their order beside concurrent handlers on replay.
      const verified = await paymentStep(p, 'VERIFYING');
      const verification = paymentStepEvent('VERIFYING', verified.outcome);
      if (!advance(verification)) return await refused(verification);
      if (state() !== 'RISK_CHECK') return await finish(verified.decidedBy);
      await acts.setPaymentStatus({ paymentId: p.id, projectId, status: 'RISK_CHECK', actorId: verified.decidedBy, at: Date.now() });
      const paidToDateFen = ops.payments.filter((o) => o.id !== p.id && (o.status === 'PAID' || o.status === 'APPROVED')).reduce((s, o) => s + o.amountFen, 0);
      const flags = await acts.screenPayment.executeWithOptions({ ...ACTIVITY_OPTIONS, summary: `风险排查 ${p.id}` }, [
        {
          paymentId: p.id,
          projectId,
          at: Date.now(),
          facts: {
            payment: {
              paymentId: p.id,
              projectId,
              amountFen: p.amountFen,
              payeeId: p.payeeId,
              ...(p.payeeAccount ? { payeeAccount: p.payeeAccount } : {}),
              invoices: p.invoices,
            },
            implementer: { implementerId: implementerId(), registeredAccounts: ops.payeeAccounts ?? [] },
            project: {
              approvedBudgetFen: ctx().allocation?.amountFen ?? 0,
              verifiedProgressPercent: ctx().verifiedProgressPercent,
              acceptancePassed: ctx().acceptancePassed,
              paidToDateFen,
              ...(p.reportedTotalSpendFen !== null ? { reportedTotalSpendFen: p.reportedTotalSpendFen } : {}),
            },
            schedule: settings.disbursement,
            overspendToleranceBp: settings.budget.overspendToleranceBp,
          },
        },
      ]);
      const codes = flags.map((f) => f.code);
      // Decided when the flag is raised: payments flagged before the rule keep the finance review.
      const leadingGroupReviewsOverspend = codes.includes(OVERSPEND_FLAG) && wf.patched(OVERSPEND_CHANGE_PATCH);
      const screened: TPaymentEvent = { type: 'SCREENED', flags: codes, leadingGroupReviewsOverspend };
      if (!advance(screened)) return await refused(screened);
      let decidedBy: string | null = null;
      if (state() === 'FLAGGED') {
        publishStage();
        const reviewed = financeReviewedFlags(machine.context);
        const review = await paymentStep(p, 'FLAGGED', reviewed);
        decidedBy = review.decidedBy;
        const resolution = paymentStepEvent('FLAGGED', review.outcome);
        if (!machine.can(resolution)) return await refused(resolution);
        const dismissed = resolution.type === 'FLAGS_DISMISSED';
        // The overspend flag stays open for the leading group when the bureau dismisses the others.
        await acts.resolveRiskFlags({
          paymentId: p.id,
          projectId,
          resolution: dismissed ? 'DISMISSED' : 'CONFIRMED',
          actorId: review.decidedBy,
          reason: null,
          at: Date.now(),
          ...(dismissed && leadingGroupReviewsOverspend ? { codes: reviewed } : {}),
        });
        advance(resolution);
      }
      if (state() === 'CHANGE_APPROVAL') {
        publishStage();
        await acts.setPaymentStatus({ paymentId: p.id, projectId, status: 'CHANGE_APPROVAL', at: Date.now() });
        const change = await paymentStep(p, 'CHANGE_APPROVAL');
        decidedBy = change.decidedBy;
        const decision = paymentStepEvent('CHANGE_APPROVAL', change.outcome);
        if (!machine.can(decision)) return await refused(decision);
        await acts.resolveRiskFlags({
          paymentId: p.id,
          projectId,
          resolution: decision.type === 'CHANGE_APPROVED' ? 'DISMISSED' : 'CONFIRMED',
          actorId: change.decidedBy,
          reason: null,
          at: Date.now(),
          codes: [OVERSPEND_FLAG],
          byProjectChange: true,
        });
        advance(decision);
      }
      if (state() === 'REJECTED') return await finish(decidedBy);
      publishStage();
      await acts.setPaymentStatus({ paymentId: p.id, projectId, status: 'FINANCE_APPROVAL', at: Date.now() });
      const approved = await paymentStep(p, 'FINANCE_APPROVAL');
      const approval = paymentStepEvent('FINANCE_APPROVAL', approved.outcome);
      if (!advance(approval)) return await refused(approval);
      if (state() === 'REJECTED') return await finish(approved.decidedBy);
      await acts.setPaymentStatus({ paymentId: p.id, projectId, status: 'APPROVED', actorId: approved.decidedBy, at: Date.now() });
      const paid = await acts.payPayment.executeWithOptions(
        { ...ACTIVITY_OPTIONS, summary: `支付 ${TRANCHE_LABELS_ZH[p.tranche]} ${formatFen(p.amountFen)} → ${p.payeeId}` },
        [{ paymentId: p.id, projectId, amountFen: p.amountFen, at: Date.now() }],
      );
      advance({ type: 'PAID' });
      ops.disbursedFen = paid.disbursedFen;
      deps.history.push({ at: Date.now(), ...staged(), action: 'payment_paid', comment: `${p.tranche} ${p.amountFen}` });
      publishStage();
    } finally {
      paymentsRunning -= 1;
    }
  };

  /**
   * A request that names no account (and the retention the workflow releases itself) is paid to
   * the implementer's first registered account; screening then checks a named one. Nothing
   * registered: none, as before.
   */
  const defaultPayeeAccount = () => ops.payeeAccounts?.[0] ?? null;

  const startPayment = async (args: {
    requestId: string;
    actorId: string;
    tranche: TTranche;
    amountFen: number;
    payeeId: string;
    payeeAccount: string | null;
    invoices: Array<{ number: string; sha256: string }>;
    reportedTotalSpendFen: number | null;
    fiscalSource?: TFiscalSource;
  }) => {
    const seq = (ops.paymentSeq += 1);
    const p: TPaymentView = {
      id: `${projectId}:pay:${seq}`,
      seq,
      requestId: args.requestId,
      tranche: args.tranche,
      amountFen: args.amountFen,
      payeeId: args.payeeId,
      status: 'VERIFYING',
      flags: [],
      requestedBy: args.actorId,
      payeeAccount: args.payeeAccount ?? defaultPayeeAccount(),
      invoices: args.invoices,
      reportedTotalSpendFen: args.reportedTotalSpendFen,
      ...(args.fiscalSource ? { fiscalSource: args.fiscalSource } : {}),
    };
    ops.payments.push(p);
    publishStage();
    await acts.recordPaymentRequest({
      paymentId: p.id,
      requestId: args.requestId,
      projectId,
      seq,
      tranche: p.tranche,
      amountFen: p.amountFen,
      payeeId: p.payeeId,
      payeeAccount: p.payeeAccount,
      invoices: p.invoices,
      actorId: args.actorId,
      at: Date.now(),
      ...staged(),
      ...(p.fiscalSource ? { fiscalSource: p.fiscalSource } : {}),
    });
    // Runs beside the stages; continue-as-new waits until it is done.
    void runPayment(p);
    return p;
  };

  /**
   * 质保金: released a year (the county's hold) after handover when no defect is open, through
   * the same verification, risk checks and finance approval as any payment. A background timer,
   * started at handover and again in each run after continue-as-new (which it does not hold up).
   * Withheld for open defects (DEFECT_REPAIR_PATCH), it waits until their repair is verified and
   * then starts the release; withheld for anything else, or before the patch, it is withheld for good.
   */
  const retentionTimer = async () => {
    if (!ops.handoverDate || ops.retentionRequested) return;
    const releaseAt = startOf(addMonths({ date: ops.handoverDate, months: settings.disbursement.retentionHoldMonths }));
    if (releaseAt > Date.now())
      await wf.sleep(releaseAt - Date.now(), {
        summary: `质保金到期 ${addMonths({ date: ops.handoverDate, months: settings.disbursement.retentionHoldMonths })}`,
      });
    for (;;) {
      await wf.condition(() => !paymentInFlight() && activitiesRunning === 0);
      if (ops.retentionRequested) return;
      const retention = plan().tranches.find((t) => t.tranche === 'RETENTION')!;
      const withheld = {
        projectId,
        stage: null,
        eventKey: `retention-withheld:${projectId}`,
        action: 'RETENTION_WITHHELD' as const,
        details: { blocks: retention.blocks.map((b) => b.code) },
      };
      if (retention.releasableFen === 0 && retention.blocks.some((b) => b.code === 'DEFECTS_OPEN') && wf.patched(DEFECT_REPAIR_PATCH)) {
        if (!ops.retentionWithheld) {
          ops.retentionWithheld = true;
          await acts.noteProjectEvent(withheld);
        }
        await wf.condition(() => openDefects() === 0 || ops.retentionRequested);
        continue;
      }
      ops.retentionRequested = true;
      if (retention.releasableFen === 0) {
        await acts.noteProjectEvent(withheld);
        return;
      }
      await startPayment({
        requestId: `${projectId}:retention`,
        actorId: 'system',
        tranche: 'RETENTION',
        amountFen: retention.releasableFen,
        payeeId: implementerId(),
        payeeAccount: null,
        invoices: [],
        reportedTotalSpendFen: null,
        ...(rules ? { fiscalSource: retentionSource(retention.releasableFen) } : {}),
      });
      return;
    }
  };

  /**
   * The retention's source: as any payment's, else (a source named out of order by an earlier
   * request left no single one with enough) the one with the most left, so it is still reported.
   */
  const retentionSource = (amountFen: number): TFiscalSource => {
    const chosen = sourceFor(amountFen);
    if ('source' in chosen) return chosen.source;
    const allocated = allocationBySource({ allocatedFen: ctx().allocation?.amountFen ?? 0, fundingSources: input.proposal.fundingSources });
    const used = paidBySource(['PAID', ...IN_FLIGHT]);
    return [...FISCAL_SOURCES].sort((a, b) => allocated[b] - (used[b] ?? 0) - (allocated[a] - (used[a] ?? 0)))[0]!;
  };

  // ---- the projectAct update ------------------------------------------------------------------

  const validate = (actor: TProjectActCommandActor, command: TProjectCommand) => {
    const refusal = projectCommandRefusal(actor, command, stage(), input.village.path);
    if (refusal) refuse(refusal.code, refusal.message, refusal.field);
    preconditions(actor, command);
    // Last, the machine itself: a command whose event it would refuse changes nothing.
    const event = commandLifecycleEvent(command, actor.userId, { reports: ops.reports, today: today() });
    if (event && !deps.snapshot().can(event)) refuse('TRANSITION_NOT_ALLOWED', `the lifecycle refuses ${event.type} while the project is ${stage()}`, 'stage');
  };

  /** What the preconditions of a command read (project-command-preconditions.ts). */
  const facts = (): TProjectFacts => ({
    projectId,
    projectOrgPath: input.village.path,
    reports: ops.reports,
    verifiedProgressPercent: ctx().verifiedProgressPercent,
    assetCount: ops.assets.length,
    incomePeriods: ops.incomePeriods,
    evaluation: ops.evaluation,
    rectificationDueAt: ops.rectificationDueAt,
    replacement: ops.replacement,
    acceptanceRound: ops.acceptanceRound,
    acceptanceVote: ops.acceptanceVote,
    defects: ops.defectList ?? [],
    rules,
    evaluationSettings: settings.evaluation,
  });

  const preconditions = (actor: TProjectActCommandActor, command: TProjectCommand) => {
    switch (command.type) {
      case 'REQUEST_PAYMENT': {
        const inFlight = paymentInFlight();
        if (inFlight) refuse('PAYMENT_IN_PROGRESS', `payment ${inFlight.id} is still ${inFlight.status}; one payment at a time`, 'body.command');
        const status = plan().tranches.find((t) => t.tranche === command.tranche)!;
        // A validator check only (validators do not run on replay), so earlier histories still replay.
        // Under the money rules the tranche cap below bounds a project's payments more tightly.
        const ceiling = paymentCeilingRefusal({
          committedFen: ops.payments.filter((p) => p.status !== 'REJECTED' && p.status !== 'WITHDRAWN').map((p) => p.amountFen),
          amountFen: command.amountFen,
        });
        if (ceiling) refuse('VALIDATION_FAILED', ceiling, 'body.command.amountFen');
        if (!rules) {
          if (status.releasableFen === 0) {
            refuse(
              'TRANCHE_NOT_RELEASABLE',
              `${command.tranche} cannot be paid now: ${status.blocks.map((b) => b.message).join('; ')}`,
              'body.command.tranche',
            );
          }
          return;
        }
        const beyond = paymentRequestRefusal({ plan: plan(), tranche: command.tranche, amountFen: command.amountFen });
        if (beyond) refuse(beyond.code, beyond.message, beyond.field);
        const source = sourceFor(command.amountFen, command.fiscalSource);
        if ('refusal' in source) refuse(source.refusal.code, source.refusal.message, source.refusal.field);
        return;
      }
      default: {
        const unmet = projectCommandPreconditionRefusal(facts(), command, actor);
        if (unmet) refuse(unmet.code, unmet.message, unmet.field);
        return;
      }
    }
  };

  type TProjectActCommandActor = Parameters<typeof projectCommandRefusal>[0];

  /** Apply a validated command; returns the record it made or changed. */
  const apply = async (
    requestId: string,
    actor: TProjectActCommandActor,
    command: TProjectCommand,
  ): Promise<{ recordId: string | null; details?: Record<string, unknown> }> => {
    const at = Date.now();
    const actorId = actor.userId;
    switch (command.type) {
      case 'REPORT_PROGRESS':
      case 'REPORT_CAPITAL': {
        const kind = command.type === 'REPORT_PROGRESS' ? 'PROGRESS' : 'CAPITAL';
        const id = `${projectId}:report:${ops.reports.length + 1}`;
        const percent = command.type === 'REPORT_PROGRESS' ? command.percent : null;
        const amountFen = command.type === 'REPORT_CAPITAL' ? command.amountFen : null;
        ops.reports.push({ id, kind, percent, amountFen, reportedBy: actorId, verified: false });
        await acts.recordReport({ reportId: id, requestId, projectId, kind, percent, amountFen, evidence: command.evidence, actorId, at, ...staged() });
        return { recordId: id };
      }
      case 'VERIFY_REPORT': {
        const report = ops.reports.find((r) => r.id === command.reportId)!;
        report.verified = true;
        step(
          report.kind === 'PROGRESS'
            ? { type: 'PROGRESS_VERIFIED', actorId, percent: report.percent! }
            : { type: 'CAPITAL_VERIFIED', actorId, amountFen: report.amountFen! },
          actorId,
        );
        publishStage();
        await acts.verifyReport({ reportId: report.id, requestId, projectId, actorId, at, ...staged() });
        return { recordId: report.id, details: { verifiedProgressPercent: ctx().verifiedProgressPercent, ownCapitalInvestedFen: ctx().ownCapitalInvestedFen } };
      }
      case 'REQUEST_PAYMENT': {
        const p = await startPayment({
          requestId,
          actorId,
          tranche: command.tranche,
          amountFen: command.amountFen,
          payeeId: command.payeeId,
          payeeAccount: command.payeeAccount ?? null,
          invoices: command.invoices,
          reportedTotalSpendFen: command.reportedTotalSpendFen ?? null,
          ...(rules ? { fiscalSource: (sourceFor(command.amountFen, command.fiscalSource) as { source: TFiscalSource }).source } : {}),
        });
        return { recordId: p.id, details: { status: p.status, ...(p.fiscalSource ? { fiscalSource: p.fiscalSource } : {}) } };
      }
      case 'REQUEST_ACCEPTANCE':
        step({ type: 'REQUEST_ACCEPTANCE', actorId }, actorId);
        publishStage();
        await acts.noteProjectEvent({
          projectId,
          ...staged(),
          eventKey: `acceptance-requested:${requestId}`,
          action: 'ACCEPTANCE_REQUESTED',
          actorId,
          requestId,
        });
        return { recordId: null };
      case 'RECORD_ACCEPTANCE_VOTE': {
        const vote = {
          ...(command.representatives !== undefined ? { representatives: command.representatives } : {}),
          votesFor: command.votesFor,
          votesAgainst: command.votesAgainst,
          abstentions: command.abstentions,
          satisfactionPercent: command.satisfactionPercent,
        };
        if (!rules) {
          await acts.recordAcceptance({ projectId, round: Math.max(ops.acceptanceRound, 1), result: 'PENDING', decidedBy: actorId, vote, at, ...staged() });
          return { recordId: `${projectId}:acceptance:${Math.max(ops.acceptanceRound, 1)}`, details: vote };
        }
        // The vote decides whether the joint team inspects (prepareReview waits for it) or the
        // round fails at once: a failed inspection, rectified and re-inspected like any other.
        const decision = decideAcceptanceVote({ vote, settings });
        ops.acceptanceVote = { round: ops.acceptanceRound, passed: decision.passed };
        await acts.recordAcceptance({
          projectId,
          round: ops.acceptanceRound,
          result: 'PENDING',
          decidedBy: actorId,
          vote: { ...vote, ...decision },
          at,
          ...staged(),
        });
        if (!decision.passed) {
          step({ type: 'REJECT', actorId, reason: '村民代表表决未通过验收' }, actorId, '村民代表表决未通过验收');
          publishStage();
          await afterReview('ACCEPTANCE', 'rejected', actorId);
        }
        return { recordId: `${projectId}:acceptance:${ops.acceptanceRound}`, details: { ...vote, ...decision, stage: stage() } };
      }
      case 'RECTIFIED': {
        const taskId = dropOwnTask(OWN_TASKS.ACCEPTANCE_RECTIFY.kind) ?? ownTaskId('ACCEPTANCE_RECTIFY', ops.rectificationSeq);
        step({ type: 'RECTIFIED', actorId }, actorId, command.text);
        publishStage();
        const rectificationId = `${projectId}:rectification:${ops.rectificationSeq}`;
        await acts.updateRectification({
          rectificationId,
          projectId,
          plan: command.text,
          dueAt: null,
          done: true,
          taskId,
          actorId,
          requestId,
          at,
          ...staged(),
        });
        return { recordId: rectificationId };
      }
      case 'REGISTER_ASSET': {
        const id = `${projectId}:asset:${ops.assets.length + 1}`;
        ops.assets.push({ id, name: command.name, assetClass: command.assetClass, valueFen: command.valueFen, handedOver: false });
        await acts.registerAsset({
          assetId: id,
          requestId,
          projectId,
          name: command.name,
          assetClass: command.assetClass,
          valueFen: command.valueFen,
          owner: command.owner,
          custodian: command.custodian,
          certificateNo: command.certificateNo ?? null,
          actorId,
          at,
          ...staged(),
        });
        return { recordId: id };
      }
      case 'CONFIRM_HANDOVER': {
        ops.handoverDate = today();
        for (const a of ops.assets) a.handedOver = true;
        const taskId = dropOwnTask(OWN_TASKS.HANDOVER.kind);
        step({ type: 'HANDED_OVER', actorId, date: ops.handoverDate }, actorId);
        // The first evaluation is due at once (at acceptance), then every intervalMonths.
        ops.nextEvaluationAt = at;
        publishStage();
        await acts.confirmHandover({ projectId, requestId, actorId, assetIds: ops.assets.map((a) => a.id), at, ...staged() });
        void retentionTimer();
        if (taskId) await acts.closeOwnTask({ projectId, ...staged(), taskId, outcome: 'HANDED_OVER', actorId, requestId, at });
        return { recordId: null, details: { handoverDate: ops.handoverDate, assets: ops.assets.length } };
      }
      case 'RECORD_INCOME': {
        const principal = ops.assets.filter((a) => a.assetClass === 'OPERATING').reduce((s, a) => s + a.valueFen, 0) || (ctx().allocation?.amountFen ?? 0);
        const result = distributeIncome({
          incomeFen: command.incomeFen,
          investedPrincipalFen: principal,
          period: command.period,
          households: command.households,
          ...(command.plan ? { plan: command.plan } : {}),
          minDividendRateBp: settings.income.minDividendRateBp,
        });
        const period = `${command.period.from}/${command.period.until}`;
        ops.incomePeriods.push(period);
        const id = `${projectId}:income:${period}`;
        await acts.recordIncome({
          recordId: id,
          requestId,
          projectId,
          period,
          incomeFen: command.incomeFen,
          distributedFen: result.distributedFen,
          retainedFen: result.retainedFen,
          dividendRateBp: result.dividendRateBp ?? 0,
          meetsMinimum: result.meetsMinimumDividendRate,
          distribution: result.allocations as unknown as object[],
          actorId,
          at,
        });
        return {
          recordId: id,
          details: {
            distributedFen: result.distributedFen,
            retainedFen: result.retainedFen,
            dividendRateBp: result.dividendRateBp,
            meetsMinimum: result.meetsMinimumDividendRate,
          },
        };
      }
      case 'REPORT_DEFECT': {
        ops.defects += 1;
        const noteDefect = (details?: { defectId: string }) =>
          acts.noteProjectEvent({
            projectId,
            stage: null,
            eventKey: `defect:${requestId}`,
            action: 'DEFECT_REPORTED',
            actorId,
            requestId,
            comment: command.text,
            ...(details ? { details } : {}),
          });
        if (!wf.patched(DEFECT_REPAIR_PATCH)) {
          // Before defects had ids: the report is on record, nothing tracks its repair.
          await noteDefect();
          return { recordId: null, details: { defects: ops.defects } };
        }
        const defectId = `${projectId}:defect:${ops.defects}`;
        ops.defectList = [...(ops.defectList ?? []), { id: defectId, status: 'OPEN', reportedBy: actorId }];
        await noteDefect({ defectId });
        return { recordId: defectId, details: { defects: ops.defects, openDefects: openDefects() } };
      }
      case 'REPORT_DEFECT_REPAIRED': {
        const defect = ops.defectList!.find((x) => x.id === command.defectId)!;
        defect.status = 'REPAIRED';
        defect.repairedBy = actorId;
        await acts.noteProjectEvent({
          projectId,
          stage: null,
          eventKey: `defect-repaired:${requestId}`,
          action: 'DEFECT_REPAIRED',
          actorId,
          requestId,
          comment: command.text ?? null,
          details: { defectId: defect.id, evidence: command.evidence },
        });
        return { recordId: defect.id, details: { status: defect.status, openDefects: openDefects() } };
      }
      case 'VERIFY_DEFECT_REPAIR': {
        // Accepted: the defect is closed (the retention timer wakes if it was the last); rejected: open again.
        const defect = ops.defectList!.find((x) => x.id === command.defectId)!;
        defect.status = command.result === 'ACCEPTED' ? 'VERIFIED' : 'OPEN';
        const action = command.result === 'ACCEPTED' ? 'DEFECT_REPAIR_VERIFIED' : 'DEFECT_REPAIR_REJECTED';
        await acts.noteProjectEvent({
          projectId,
          stage: null,
          eventKey: `defect-verified:${requestId}`,
          action,
          actorId,
          requestId,
          comment: command.comment ?? null,
          details: { defectId: defect.id },
        });
        return { recordId: defect.id, details: { status: defect.status, openDefects: openDefects() } };
      }
      case 'SUBMIT_EVALUATION': {
        const score = scoreEvaluation({ indicators: command.indicators, settings: settings.evaluation });
        const seq = (ops.evaluationSeq += 1);
        const id = `${projectId}:evaluation:${seq}`;
        const overridden = command.outcomeClass !== undefined && command.outcomeClass !== score.suggestedOutcome;
        const outcomeClass = rules
          ? decideOutcome({
              suggested: score.suggestedOutcome,
              ...(overridden ? { override: command.outcomeClass, overrideReason: command.outcomeReason } : {}),
            }).outcome
          : (command.outcomeClass ?? score.suggestedOutcome);
        ops.evaluation = { id, seq, scoreTenths: score.scoreTenths, grade: score.grade, outcomeClass, submittedBy: actorId };
        const taskId = dropOwnTask(OWN_TASKS.EVALUATION_SUBMIT.kind);
        publishStage();
        await acts.recordEvaluation({
          evaluationId: id,
          projectId,
          seq,
          indicators: command.indicators,
          scoreTenths: score.scoreTenths,
          grade: score.grade,
          outcomeClass,
          actorId,
          requestId,
          at,
          ...staged(),
          ...(overridden ? { suggestedOutcome: score.suggestedOutcome, outcomeReason: command.outcomeReason ?? null } : {}),
        });
        if (taskId) await acts.closeOwnTask({ projectId, ...staged(), taskId, outcome: 'SUBMITTED', actorId, requestId, at });
        return { recordId: id, details: { score: score.score, grade: score.grade, outcomeClass: ops.evaluation.outcomeClass } };
      }
      case 'SUBMIT_RECTIFICATION_PLAN': {
        ops.rectificationDueAt = at + command.dueInDays * DAY_MS;
        const taskId = dropOwnTask(OWN_TASKS.RECTIFICATION_PLAN.kind) ?? ownTaskId('RECTIFICATION_PLAN', ops.rectificationSeq);
        publishStage();
        const rectificationId = `${projectId}:rectification:${ops.rectificationSeq}`;
        await acts.updateRectification({
          rectificationId,
          projectId,
          plan: command.plan,
          dueAt: ops.rectificationDueAt,
          done: false,
          taskId,
          actorId,
          requestId,
          at,
          ...staged(),
        });
        return { recordId: rectificationId, details: { dueAt: new Date(ops.rectificationDueAt).toISOString() } };
      }
      case 'PROPOSE_REPLACEMENT': {
        const target = await acts.poolProject({ projectId: command.replacementProjectId });
        if (!target || target.stage !== 'IN_POOL' || target.countyId !== county.id || target.replacesProjectId) {
          refuse(
            'REPLACEMENT_NOT_IN_POOL',
            `project ${command.replacementProjectId} is not an unlinked project in this county's pool`,
            'body.command.replacementProjectId',
          );
        }
        ops.replacement = { replacementProjectId: command.replacementProjectId, reason: command.reason, proposedBy: actorId };
        const taskId = dropOwnTask(OWN_TASKS.REPLACEMENT_PROPOSAL.kind);
        publishStage();
        await acts.noteProjectEvent({
          projectId,
          ...staged(),
          eventKey: `replacement-proposed:${requestId}`,
          action: 'REPLACEMENT_PROPOSED',
          actorId,
          requestId,
          comment: command.reason,
          details: { replacementProjectId: command.replacementProjectId },
        });
        if (taskId) await acts.closeOwnTask({ projectId, ...staged(), taskId, outcome: 'PROPOSED', actorId, requestId, at });
        return { recordId: command.replacementProjectId };
      }
    }
  };

  wf.setHandler(
    projectActUpdate,
    async ({ requestId, actor, command }): Promise<TProjectActResult> => {
      const earlier = ops.answered[requestId];
      if (earlier) return earlier; // the same person's repeat (the validator refused anyone else's)
      const stageBefore = stage();
      deps.history.push({ at: Date.now(), stage: stageBefore, action: command.type.toLowerCase(), actorId: actor.userId });
      // The API parsed the body already; parsing again fills the defaults for any other client.
      const { recordId, details } = await track(apply(requestId, actor, ZAcceptedProjectCommand.parse(command)));
      const result: TProjectActResult = {
        requestId,
        projectId,
        type: command.type,
        actorId: actor.userId,
        stageBefore,
        stageAfter: stage(),
        recordId,
        ...(details ? { details } : {}),
      };
      ops.answered[requestId] = result;
      return result;
    },
    {
      validator: ({ requestId, actor, command }: TProjectActCommand) => {
        const earlier = ops.answered[requestId];
        if (earlier && isSameRequester(earlier, actor.userId)) return;
        const parsed = ZProjectCommand.safeParse(command);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          refuse('VALIDATION_FAILED', issue.message, ['body', 'command', ...issue.path].join('.'));
        }
        if (earlier) {
          // Someone else's request id: refused as theirs would be, and never answered with their result.
          const refusal = projectCommandRefusal(actor, parsed.data, stage(), input.village.path);
          if (refusal) refuse(refusal.code, refusal.message, refusal.field);
          refuse('DUPLICATE_REQUEST', `request ${requestId} was already used by someone else`, 'body.requestId');
        }
        validate(actor, parsed.data);
      },
    },
  );

  wf.setHandler(replacementLinkSignal, (link) => {
    ops.replaces = link.fromProjectId;
    deps.history.push({ at: link.at, ...staged(), action: 'replaces', comment: `${link.fromProjectId} → ${link.redirectedFen}` });
  });

  // ---- around the review steps ----------------------------------------------------------------

  const openRectification = async (kind: 'ACCEPTANCE' | 'EVALUATION') => {
    const seq = (ops.rectificationSeq += 1);
    ops.rectificationDueAt = null;
    const name = kind === 'ACCEPTANCE' ? 'ACCEPTANCE_RECTIFY' : 'RECTIFICATION_PLAN';
    const spec = OWN_TASKS[name];
    const dueAt = kind === 'ACCEPTANCE' ? Date.now() + settings.acceptance.rectificationDays * DAY_MS : null;
    const org = (spec.scope as string) === 'county' ? county : input.village;
    const task: TOpenTask = {
      id: ownTaskId(name, seq),
      kind: spec.kind,
      candidateRole: spec.candidateRole,
      candidateOrgUnitId: org.id,
      candidateOrgPath: org.path,
      openedAt: Date.now(),
    };
    ops.ownTasks.push(task);
    publishStage();
    await acts.openRectification({
      rectificationId: `${projectId}:rectification:${seq}`,
      projectId,
      kind,
      at: Date.now(),
      ...staged(),
      task: { ...task, workflowId, title: `${spec.titleZh} · ${input.proposal.name}`, dueAt },
    });
  };

  /** After a review step decided: the records and whatever the new stage starts with. */
  const afterReview = async (s: TReviewStage, phase: TApprovalPhase, actorId: string | null) => {
    const now = Date.now();
    if (s === 'ACCEPTANCE') {
      await acts.recordAcceptance({
        projectId,
        round: ops.acceptanceRound,
        result: phase === 'approved' ? 'PASSED' : 'FAILED',
        decidedBy: actorId,
        at: now,
        ...staged(),
      });
      if (stage() === 'ACCEPTANCE_RECTIFICATION') await openRectification('ACCEPTANCE');
      if (stage() === 'REPLACEMENT_REVIEW') {
        await acts.noteProjectEvent({
          projectId,
          ...staged(),
          eventKey: `acceptance-escalated:${projectId}:${ops.acceptanceRound}`,
          action: 'ACCEPTANCE_ESCALATED',
          details: { failedInspections: ctx().failedInspections },
        });
      }
    } else if (s === 'EVALUATION') {
      const evaluation = ops.evaluation!;
      ops.evaluation = null;
      await acts.decideEvaluation({
        evaluationId: evaluation.id,
        projectId,
        status: phase === 'approved' ? 'APPROVED' : 'REJECTED',
        grade: evaluation.grade,
        actorId,
        at: now,
        ...staged(),
      });
      if (phase !== 'approved') return;
      if (evaluation.grade === 'POOR') await notifyEligibility({ trigger: 'POOR_GRADE', triggerRef: evaluation.id, at: now });
      if (stage() === 'OPERATION') {
        ops.nextEvaluationAt = startOf(addMonths({ date: today(), months: settings.evaluation.intervalMonths }));
        ops.cycleDone = true;
      }
      if (stage() === 'RECTIFICATION') await openRectification('EVALUATION');
    } else if (s === 'REPLACEMENT_REVIEW') {
      const proposal = ops.replacement!;
      if (phase === 'approved') {
        const redirectedFen = Math.max(0, (ctx().allocation?.amountFen ?? 0) - ops.disbursedFen);
        await acts.linkReplacement({ fromProjectId: projectId, toProjectId: proposal.replacementProjectId, redirectedFen, actorId, at: now, ...staged() });
        await notifyEligibility({ trigger: 'REPLACEMENT', triggerRef: proposal.replacementProjectId, at: now });
        const target = await acts.poolProject({ projectId: proposal.replacementProjectId });
        if (target) {
          await wf
            .getExternalWorkflowHandle(target.workflowId)
            .signal(replacementLinkSignal, { fromProjectId: projectId, redirectedFen, assetIds: ops.assets.map((a) => a.id), at: now });
        }
      } else {
        ops.replacement = null;
        await openRectification('EVALUATION');
      }
    }
  };

  return {
    /** A new run (after continue-as-new) restarts the background timers of the previous one. */
    resume: () => {
      void retentionTimer();
    },
    openTasks: () => ops.ownTasks,
    disbursedFen: () => ops.disbursedFen,
    openFlagCodes: () => [...new Set(ops.payments.flatMap((p) => p.flags))],
    /** Nothing in flight: no payment pipeline and no command activity running. */
    idle: () => paymentsRunning === 0 && activitiesRunning === 0,
    financial: () => {
      const current = plan();
      return {
        approvedFen: ctx().allocation?.amountFen ?? 0,
        disbursedFen: ops.disbursedFen,
        paidByTranche: paidByTranche(['PAID']),
        verifiedProgressPercent: ctx().verifiedProgressPercent,
        ownCapitalInvestedFen: ctx().ownCapitalInvestedFen,
        releasableFen: current.totalReleasableFen,
        // Central 衔接资金 and the other fiscal sources paid, each on its own (payments since the rules).
        ...(rules ? { paidBySource: paidBySource(['PAID']) } : {}),
      };
    },

    /** Who applies for a review step: the evaluator for an evaluation, else the proposer. */
    applicantFor: (s: TReviewStage) =>
      s === 'EVALUATION' ? ops.evaluation?.submittedBy : s === 'REPLACEMENT_REVIEW' ? ops.replacement?.proposedBy : undefined,

    /** An approved evaluation is an EVALUATED event carrying the submitted grade. */
    reviewEvent: (s: TReviewStage, phase: TApprovalPhase, actorId: string): TLifecycleEvent | null =>
      s === 'EVALUATION' && phase === 'approved' && ops.evaluation ? { type: 'EVALUATED', actorId, grade: ops.evaluation.grade } : null,

    handlesReview: (s: TReviewStage) => REVIEWS_OWNED_HERE.includes(s),

    /** Before a review step: what it is about must exist (scores, a proposal); a new inspection round. */
    prepareReview: async (s: TReviewStage) => {
      if (s === 'ACCEPTANCE') {
        ops.acceptanceRound += 1;
        await acts.recordAcceptance({ projectId, round: ops.acceptanceRound, result: 'PENDING', decidedBy: null, at: Date.now(), ...staged() });
        // The joint team inspects once the villagers' representatives voted in favour (a vote
        // against ended the round already: the stage moved on and no step runs).
        if (rules) await wf.condition(() => ops.acceptanceVote?.round === ops.acceptanceRound && activitiesRunning === 0);
      } else if (s === 'EVALUATION' && !ops.evaluation) {
        if (!ops.ownTasks.some((t) => t.kind === OWN_TASKS.EVALUATION_SUBMIT.kind)) await openOwnTask('EVALUATION_SUBMIT', ops.evaluationSeq + 1);
        await wf.condition(() => ops.evaluation !== null && activitiesRunning === 0);
      } else if (s === 'REPLACEMENT_REVIEW' && !ops.replacement) {
        if (!ops.ownTasks.some((t) => t.kind === OWN_TASKS.REPLACEMENT_PROPOSAL.kind)) await openOwnTask('REPLACEMENT_PROPOSAL', ops.rectificationSeq + 1);
        await wf.condition(() => ops.replacement !== null && activitiesRunning === 0);
      }
    },

    afterReview,

    /** True once, right after an approved evaluation that kept the project in operation. */
    evaluationCycleDone: () => {
      const done = ops.cycleDone && stage() === 'OPERATION';
      ops.cycleDone = false;
      return done;
    },

    /** The acceptance publicity ended: the handover task opens. */
    enterStage: async () => {
      if (stage() === 'ASSET_HANDOVER') await openOwnTask('HANDOVER', 1);
    },

    /**
     * Wait in a stage moved on by updates, running its timers: evaluation due in operation, the
     * plan's deadline in rectification. True when the SDK suggests
     * continue-as-new (or the input's test flag forces it: continue-as-new.ts) and nothing is in
     * flight (post-funding only).
     */
    wait: async (s: TLifecycleStage, moved: () => boolean): Promise<boolean> => {
      const funded = ctx().allocation !== null;
      const suggested = () => funded && continueAsNewSuggested(input) && paymentsRunning === 0 && activitiesRunning === 0;
      const due = () => (s === 'OPERATION' ? (ops.nextEvaluationAt ?? Infinity) : s === 'RECTIFICATION' ? (ops.rectificationDueAt ?? Infinity) : Infinity);
      const dueAt = due();
      // A new due date (a plan submitted, an evaluation scheduled) wakes the wait to set its timer.
      const wake = () => moved() || suggested() || due() !== dueAt;
      if (dueAt === Infinity) {
        await wf.condition(wake);
        return !moved() && suggested();
      }
      const summary = s === 'RECTIFICATION' ? '整治期限届满，重新评价' : '绩效评价到期';
      const woke = await wf.condition(wake, Math.max(1, dueAt - Date.now()), { summary });
      if (woke) return !moved() && suggested();
      const now = Date.now();
      if (s === 'RECTIFICATION') {
        ops.rectificationDueAt = null;
        step({ type: 'RECTIFICATION_DUE' });
        await acts.closeRectification({ rectificationId: `${projectId}:rectification:${ops.rectificationSeq}`, projectId, at: now });
        await openOwnTask('EVALUATION_SUBMIT', ops.evaluationSeq + 1);
      } else if (ops.nextEvaluationAt !== null && now >= ops.nextEvaluationAt) {
        ops.nextEvaluationAt = null;
        step({ type: 'EVALUATION_DUE' });
        await openOwnTask('EVALUATION_SUBMIT', ops.evaluationSeq + 1);
      }
      return false;
    },
  };
}
