import { describe, expect, it } from 'vitest';
import { acceptanceRecorded, countyApprovalOf, formatApprovalNumber, shanghaiYear } from '../../../src/domain/documents/document-rules';

/** The rules of the printable documents (issue #18): the 批复's number, when it exists, the acceptance report's precondition. */
describe('document rules', () => {
  it('prints the number as 县名乡振批〔年〕序号号', () => {
    expect(formatApprovalNumber({ countyName: '青山县', year: 2026, seq: 7 })).toBe('青山县乡振批〔2026〕7号');
  });

  it('takes the year in Asia/Shanghai: 31 December 16:30 UTC is already the next year there', () => {
    expect(shanghaiYear(Date.UTC(2026, 11, 31, 15, 59))).toBe(2026);
    expect(shanghaiYear(Date.UTC(2026, 11, 31, 16, 30))).toBe(2027);
  });

  it('finds the county approval only in the approve that moved COUNTY_APPROVAL to IN_POOL, the last one after a return', () => {
    const d = (kind: string, action: string, stageBefore: string, stageAfter: string, at: number) => ({ kind, action, stageBefore, stageAfter, at });
    const joint = d('COUNTY_JOINT_REVIEW', 'approve', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL', 1);
    const returned = d('COUNTY_APPROVAL', 'return', 'COUNTY_APPROVAL', 'TOWNSHIP_REVIEW', 2);
    expect(countyApprovalOf([joint, returned])).toBeNull();
    const first = d('COUNTY_APPROVAL', 'approve', 'COUNTY_APPROVAL', 'IN_POOL', 3);
    const later = d('COUNTY_APPROVAL', 'approve', 'COUNTY_APPROVAL', 'IN_POOL', 9);
    expect(countyApprovalOf([joint, later, returned, first])).toBe(later);
    // A leading-group signer whose approve did not yet move the stage (a countersign still open) is not the approval.
    expect(countyApprovalOf([d('COUNTY_APPROVAL', 'approve', 'COUNTY_APPROVAL', 'COUNTY_APPROVAL', 4)])).toBeNull();
  });

  it('has an acceptance report only once a round passed or failed', () => {
    expect(acceptanceRecorded([])).toBe(false);
    expect(acceptanceRecorded([{ result: 'PENDING' }])).toBe(false);
    expect(acceptanceRecorded([{ result: 'PENDING' }, { result: 'FAILED' }])).toBe(true);
    expect(acceptanceRecorded([{ result: 'PASSED' }])).toBe(true);
  });
});
