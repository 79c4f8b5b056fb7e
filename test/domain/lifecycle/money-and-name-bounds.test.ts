import { describe, expect, it } from 'vitest';
import { ZProposal } from '../../../src/domain/lifecycle/proposal';
import { ZAcceptedProjectCommand, ZProjectCommand } from '../../../src/domain/lifecycle/project-commands';
import { MAX_AMOUNT_FEN } from '../../../src/domain/policies/money';
import { sampleProposal } from '../../support/proposal';

/** Issue #14 items 5 and 10: money inputs have a documented maximum, names must be visible, households are bounded. */

const issuesOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; code: string }> } }) =>
  result.success ? [] : result.error!.issues.map((i) => i.path.join('.'));

describe('a proposal budget near 2^53 − 1 (which broke the dashboard sums) is refused; the documented maximum is accepted', () => {
  it('refuses budgetFen and funding sources above MAX_AMOUNT_FEN (100亿元)', () => {
    const huge = Number.MAX_SAFE_INTEGER - 1;
    const result = ZProposal.safeParse(sampleProposal({ budgetFen: huge, fundingSources: [{ source: 'LOCAL', amountFen: huge }] }));
    expect(issuesOf(result)).toEqual(expect.arrayContaining(['budgetFen', 'fundingSources.0.amountFen']));
    expect(
      issuesOf(ZProposal.safeParse(sampleProposal({ budgetFen: MAX_AMOUNT_FEN + 1, fundingSources: [{ source: 'LOCAL', amountFen: MAX_AMOUNT_FEN + 1 }] }))),
    ).toContain('budgetFen');
  });

  it('accepts a budget of exactly MAX_AMOUNT_FEN split over sources that add up exactly', () => {
    const result = ZProposal.safeParse(
      sampleProposal({
        budgetFen: MAX_AMOUNT_FEN,
        fundingSources: [
          { source: 'CENTRAL_LINKAGE', amountFen: MAX_AMOUNT_FEN - 1 },
          { source: 'OWN_CAPITAL', amountFen: 1 },
        ],
      }),
    );
    expect(result.success).toBe(true);
    expect(MAX_AMOUNT_FEN).toBe(1_000_000_000_000);
  });

  it('refuses a sources list longer than 20 lines', () => {
    const sources = Array.from({ length: 21 }, () => ({ source: 'LOCAL', amountFen: 1 }));
    expect(issuesOf(ZProposal.safeParse(sampleProposal({ budgetFen: 21, fundingSources: sources })))).toContain('fundingSources');
  });
});

describe('households linked has a documented upper bound', () => {
  it('accepts 1,000,000 households and refuses 1,000,001', () => {
    const linkage = (households: number) => sampleProposal({ householdLinkage: { households, mechanism: '务工' } });
    expect(ZProposal.safeParse(linkage(1_000_000)).success).toBe(true);
    expect(issuesOf(ZProposal.safeParse(linkage(1_000_001)))).toEqual(['householdLinkage.households']);
  });
});

describe('a project name of only zero-width or invisible characters is refused', () => {
  it.each([
    ['zero-width space, joiners and BOM', '\u200b\u200c\u200d\ufeff'],
    ['Hangul fillers', '\u3164\u115f\u3164'],
    ['ideographic and no-break spaces', '\u3000\u00a0\u3000'],
    ['word joiner, bidi marks and tag characters', '\u2060\u200e\u202e\u{E0041}'],
    ['one visible character padded to the minimum length with invisible ones', '茶\u200b\u200b'],
  ])('refuses %s as a name', (_label, name) => {
    expect(issuesOf(ZProposal.safeParse(sampleProposal({ name })))).toEqual(['name']);
  });

  it('refuses invisible-only industry and implementer names, and keeps real names', () => {
    expect(issuesOf(ZProposal.safeParse(sampleProposal({ industry: '\u200b', implementer: { name: '\u2060\u2060' } })))).toEqual([
      'industry',
      'implementer.name',
    ]);
    expect(ZProposal.safeParse(sampleProposal({ name: '桃源村\u200d茶园' })).success).toBe(true);
    expect(ZProposal.safeParse(sampleProposal({ name: 'Tea 2' })).success).toBe(true);
  });
});

describe('project commands: money above the maximum is refused at the door, but an update accepted before the bound still applies on replay', () => {
  const payment = (amountFen: number) => ({ type: 'REQUEST_PAYMENT', tranche: 'START', amountFen, payeeId: '桃源茶叶合作社' });

  it.each([
    ['REQUEST_PAYMENT', payment(MAX_AMOUNT_FEN + 1), 'amountFen'],
    ['REPORT_CAPITAL', { type: 'REPORT_CAPITAL', amountFen: MAX_AMOUNT_FEN + 1, evidence: ['slip'] }, 'amountFen'],
    [
      'REGISTER_ASSET',
      { type: 'REGISTER_ASSET', name: '茶厂', assetClass: 'OPERATING', valueFen: Number.MAX_SAFE_INTEGER, owner: '村集体', custodian: '合作社' },
      'valueFen',
    ],
    [
      'RECORD_INCOME',
      { type: 'RECORD_INCOME', period: { from: '2027-01-01', until: '2028-01-01' }, incomeFen: MAX_AMOUNT_FEN + 1, households: [{ householdId: 'h1' }] },
      'incomeFen',
    ],
    [
      'REGISTER_ASSET with an invisible name',
      { type: 'REGISTER_ASSET', name: '\u200b\u200b', assetClass: 'OPERATING', valueFen: 1, owner: '村集体', custodian: '合作社' },
      'name',
    ],
  ])('%s is refused by ZProjectCommand and still parses as an accepted command', (_label, command, field) => {
    expect(issuesOf(ZProjectCommand.safeParse(command))).toEqual([field]);
    expect(ZAcceptedProjectCommand.safeParse(command).success).toBe(true);
  });

  it('accepts the maximum itself', () => {
    expect(ZProjectCommand.safeParse(payment(MAX_AMOUNT_FEN)).success).toBe(true);
  });
});
