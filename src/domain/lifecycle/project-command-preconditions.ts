import type { TLifecycleEvent } from './lifecycle-machine';
import type { TProjectCommand } from './project-commands';

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
export function commandLifecycleEvent(command: TProjectCommand, actorId: string, facts: { reports: readonly TReportFact[]; today: string }): TLifecycleEvent | null {
  switch (command.type) {
    case 'VERIFY_REPORT': {
      const report = facts.reports.find((r) => r.id === command.reportId);
      if (!report) return null;
      return report.kind === 'PROGRESS' ? { type: 'PROGRESS_VERIFIED', actorId, percent: report.percent! } : { type: 'CAPITAL_VERIFIED', actorId, amountFen: report.amountFen! };
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
