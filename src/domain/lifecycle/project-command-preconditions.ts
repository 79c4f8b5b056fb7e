import { holdsRoleOver, type TActor } from '../actor';
import { outcomeOverrideRefusal, scoreEvaluation } from '../policies/evaluation-scoring';
import type { TEvaluationSettings } from '../policies/settings';
import { acceptanceVoteRefusal } from './acceptance-vote';
import { defectCommandRefusal, type TDefect } from './defect-repair';
import type { TLifecycleEvent } from './lifecycle-machine';
import { VERIFIER_ROLES, type TCommandRefusal, type TProjectCommand } from './project-commands';

/** A report as the project keeps it until it is verified. */
export interface TReportFact {
  id: string;
  kind: 'PROGRESS' | 'CAPITAL';
  percent: number | null;
  amountFen: number | null;
}

/**
 * The lifecycle event a command steps the machine with, if it steps it unconditionally: the host's
 * validator asks the machine (`snapshot.can`) before accepting the command, so a command the
 * machine would refuse is refused with TRANSITION_NOT_ALLOWED and never applied.
 * (The villagers' vote steps REJECT only when it fails; ACCEPTANCE always takes that.)
 */
export function commandLifecycleEvent(
  command: TProjectCommand,
  actorId: string,
  facts: { reports: readonly TReportFact[]; today: string },
): TLifecycleEvent | null {
  switch (command.type) {
    case 'VERIFY_REPORT': {
      const report = facts.reports.find((r) => r.id === command.reportId);
      if (!report) return null;
      return report.kind === 'PROGRESS'
        ? { type: 'PROGRESS_VERIFIED', actorId, percent: report.percent! }
        : { type: 'CAPITAL_VERIFIED', actorId, amountFen: report.amountFen! };
    }
    case 'REQUEST_ACCEPTANCE':
      return { type: 'REQUEST_ACCEPTANCE', actorId };
    case 'RECTIFIED':
      return { type: 'RECTIFIED', actorId };
    case 'CONFIRM_HANDOVER':
      return { type: 'HANDED_OVER', actorId, date: facts.today };
    default:
      return null;
  }
}

/** What a project knows of itself that its commands' preconditions read (the workflow's state). */
export interface TProjectFacts {
  projectId: string;
  /** The village's org path: a verifier's grant must cover it. */
  projectOrgPath: string;
  reports: ReadonlyArray<TReportFact & { verified: boolean }>;
  verifiedProgressPercent: number;
  assetCount: number;
  incomePeriods: readonly string[];
  /** The submitted evaluation awaiting approval. */
  evaluation: { id: string } | null;
  rectificationDueAt: number | null;
  replacement: { replacementProjectId: string } | null;
  acceptanceRound: number;
  acceptanceVote?: { round: number } | null | undefined;
  defects: readonly TDefect[];
  /** The money and acceptance rules of issue #13 apply (patch `money-and-acceptance-rules`). */
  rules: boolean;
  evaluationSettings: TEvaluationSettings;
}

/**
 * The preconditions of a command that depend on the project's facts rather than its stage (the
 * stage, role and scope are `projectCommandRefusal`'s; the machine's own guards are asked with
 * `commandLifecycleEvent`). The `projectAct` validator calls it: a refusal changes nothing.
 * REQUEST_PAYMENT is the disbursement policies' (the workflow's money section).
 */
export function projectCommandPreconditionRefusal(facts: TProjectFacts, command: TProjectCommand, actor: TActor): TCommandRefusal | null {
  const no = (code: TCommandRefusal['code'], message: string, field: string): TCommandRefusal => ({ code, message, field });
  switch (command.type) {
    case 'VERIFY_REPORT': {
      const report = facts.reports.find((r) => r.id === command.reportId);
      if (!report) return no('REPORT_NOT_FOUND', `no report ${command.reportId} on this project`, 'body.command.reportId');
      if (report.verified) return no('ALREADY_VERIFIED', `report ${report.id} is already verified`, 'body.command.reportId');
      if (!holdsRoleOver(actor, VERIFIER_ROLES[report.kind], facts.projectOrgPath)) {
        return no('ROLE_NOT_ALLOWED', `a ${report.kind.toLowerCase()} report is verified by ${VERIFIER_ROLES[report.kind].join(' or ')}`, 'actor.roles');
      }
      if (report.kind === 'PROGRESS' && report.percent! < facts.verifiedProgressPercent) {
        return no(
          'TRANSITION_NOT_ALLOWED',
          `progress ${report.percent}% is below the ${facts.verifiedProgressPercent}% already verified`,
          'body.command.reportId',
        );
      }
      return null;
    }
    case 'RECORD_ACCEPTANCE_VOTE':
      if (!facts.rules) return null;
      if (facts.acceptanceVote?.round === facts.acceptanceRound)
        return no('CONFLICT', `the villagers' vote of inspection round ${facts.acceptanceRound} is already recorded`, 'body.command');
      return acceptanceVoteRefusal(command);
    case 'REQUEST_ACCEPTANCE':
      return facts.verifiedProgressPercent < 100
        ? no('PROGRESS_NOT_COMPLETE', `verified progress is ${facts.verifiedProgressPercent}%; acceptance needs 100%`, 'body.command')
        : null;
    case 'CONFIRM_HANDOVER':
      return facts.assetCount === 0
        ? no('NO_ASSETS_REGISTERED', 'register the assets the project formed before confirming the handover', 'body.command')
        : null;
    case 'RECORD_INCOME': {
      const period = `${command.period.from}/${command.period.until}`;
      if (facts.incomePeriods.includes(period)) return no('CONFLICT', `income for ${period} is already recorded`, 'body.command.period');
      if (command.period.until <= command.period.from) return no('VALIDATION_FAILED', 'the period must end after it starts', 'body.command.period.until');
      return null;
    }
    case 'SUBMIT_EVALUATION': {
      if (facts.evaluation) return no('CONFLICT', `evaluation ${facts.evaluation.id} is already submitted and awaits approval`, 'body.command');
      if (!facts.rules) return null;
      const { suggestedOutcome } = scoreEvaluation({ indicators: command.indicators, settings: facts.evaluationSettings });
      return outcomeOverrideRefusal({ suggested: suggestedOutcome, chosen: command.outcomeClass, reason: command.outcomeReason });
    }
    case 'SUBMIT_RECTIFICATION_PLAN':
      return facts.rectificationDueAt !== null ? no('CONFLICT', 'the rectification plan is already submitted', 'body.command') : null;
    case 'PROPOSE_REPLACEMENT':
      if (facts.replacement) return no('CONFLICT', `replacement by ${facts.replacement.replacementProjectId} is already proposed`, 'body.command');
      return command.replacementProjectId === facts.projectId
        ? no('VALIDATION_FAILED', 'a project cannot replace itself', 'body.command.replacementProjectId')
        : null;
    case 'REPORT_DEFECT_REPAIRED':
    case 'VERIFY_DEFECT_REPAIR':
      return defectCommandRefusal(facts.defects, command, actor.userId);
    default:
      return null;
  }
}
