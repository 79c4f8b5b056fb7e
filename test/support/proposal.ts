/**
 * Test data without test-runner imports, so the benchmark (bench/) shares it outside Vitest.
 */

/** A valid proposal for the demo village 桃源村, with overrides. */
export function sampleProposal(overrides: Record<string, unknown> = {}) {
  return {
    name: '桃源村高山茶园提质扩面',
    industry: '茶叶',
    orgUnitId: 'v-taoyuan',
    budgetFen: 50_000_000,
    fundingSources: [
      { source: 'CENTRAL_LINKAGE', amountFen: 40_000_000 },
      { source: 'OWN_CAPITAL', amountFen: 10_000_000 },
    ],
    implementer: { name: '桃源茶叶合作社' },
    householdLinkage: { households: 86, mechanism: '务工工资 + 入股分红' },
    performanceTargets: [{ indicator: '新增茶园面积', target: '300亩' }],
    meetingRecord: '2026-11-20 村民代表大会，到会45人，同意42人',
    ...overrides,
  };
}
