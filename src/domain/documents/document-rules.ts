import { SHANGHAI_OFFSET_MS } from '../fault-tolerance/deadlines';
import type { TRole } from '../roles';

/**
 * The rules of the county's printable documents (issue #18): who issues the 立项批复, how its number
 * reads, when it exists, and when an acceptance report (验收报告) can be printed.
 */

/** The fixed prefix after the county's name: 乡村振兴 (乡振) approval (批). Documented in docs/api.md. */
export const APPROVAL_NUMBER_PREFIX = '乡振批';

/** The kind of a DocumentNumber row for the 立项批复. */
export const APPROVAL_DOCUMENT_KIND = 'APPROVAL';

/**
 * Who may issue (and so number) a 批复: the county's approving side — the leading group that
 * approves and the agriculture bureau (its office) that drafts and sends the document.
 */
export const APPROVAL_ISSUING_ROLES: readonly TRole[] = ['COUNTY_LEADING_GROUP', 'COUNTY_AGRICULTURE'];

/** `青山县乡振批〔2026〕7号`: the county's name, the prefix, the year in 〔〕 and the sequence. */
export function formatApprovalNumber({ countyName, year, seq }: { countyName: string; year: number; seq: number }): string {
  return `${countyName}${APPROVAL_NUMBER_PREFIX}〔${year}〕${seq}号`;
}

/** The calendar year of an instant in Asia/Shanghai (a decision on 31 December 23:30 UTC is next year's). */
export function shanghaiYear(at: number): number {
  return new Date(at + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** A decision as the Decision table records it, with its task's kind. */
export interface TRecordedDecision {
  kind: string;
  action: string;
  stageBefore: string;
  stageAfter: string;
  at: number;
}

/**
 * The county approval (县领导小组审定) that put the project in the pool: the approve that moved it
 * from COUNTY_APPROVAL to IN_POOL. Null before it is recorded — then there is nothing to number.
 * After a return to an earlier step the stage is approved again; the last approval counts.
 */
export function countyApprovalOf<T extends TRecordedDecision>(decisions: readonly T[]): T | null {
  const approvals = decisions.filter(
    (d) => d.kind === 'COUNTY_APPROVAL' && d.action === 'approve' && d.stageBefore === 'COUNTY_APPROVAL' && d.stageAfter === 'IN_POOL',
  );
  return approvals.reduce<T | null>((last, d) => (last === null || d.at >= last.at ? d : last), null);
}

/** An inspection round is recorded once it has a result other than PENDING. */
export const DECIDED_ACCEPTANCE_RESULTS = ['PASSED', 'FAILED'] as const;

export function acceptanceRecorded(rounds: ReadonlyArray<{ result: string }>): boolean {
  return rounds.some((r) => (DECIDED_ACCEPTANCE_RESULTS as readonly string[]).includes(r.result));
}
