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

/** The township review's five checks, each passed: what a township approval carries (domain.md §2.3). */
export const PASSED_CHECKS = {
  authenticity: { result: 'PASS' },
  necessity: { result: 'PASS' },
  soundness: { result: 'PASS' },
  completeness: { result: 'PASS' },
  feasibility: { result: 'PASS' },
} as const;

/** The villagers' representatives' vote on a completion inspection, in favour and satisfied. */
export const FAVOURABLE_VOTE = {
  type: 'RECORD_ACCEPTANCE_VOTE',
  representatives: 45,
  votesFor: 38,
  votesAgainst: 2,
  abstentions: 1,
  satisfactionPercent: 95,
} as const;

/** The operating asset the sample project registers at handover (the 300 亩 tea garden). */
export const TEA_GARDEN_ASSET = {
  type: 'REGISTER_ASSET',
  name: '高山茶园 300 亩',
  assetClass: 'OPERATING',
  valueFen: 30_000_000,
  owner: '桃源村股份经济合作社',
  custodian: '桃源茶叶合作社',
} as const;

/** The public-welfare asset registered beside it (the 2 km farm road through the garden). */
export const TEA_ROAD_ASSET = {
  type: 'REGISTER_ASSET',
  name: '茶园机耕道 2 公里',
  assetClass: 'PUBLIC_WELFARE',
  valueFen: 8_000_000,
  owner: '桃源村村民委员会',
  custodian: '桃源村村民委员会',
} as const;

/** A year's income of the tea garden shared by two households, one monitored: 9.33% ≥ the 8% minimum. */
export const TEA_GARDEN_INCOME = {
  type: 'RECORD_INCOME' as const,
  period: { from: '2028-01-01', until: '2029-01-01' },
  incomeFen: 2_800_000,
  households: [
    { householdId: 'h-01', shares: 2 },
    { householdId: 'h-02', shares: 1, monitoring: [{ from: '2028-01-01' }] },
  ],
  plan: { retainedBp: 2000, regularWeight: 1, monitoredWeight: 2 },
};
