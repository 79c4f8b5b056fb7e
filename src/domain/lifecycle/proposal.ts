import { z } from 'zod';

/** Money is integer fen: a safe, positive integer, never a float. */
export const ZFen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const FUNDING_SOURCES = ['CENTRAL_LINKAGE', 'LOCAL', 'OWN_CAPITAL', 'BANK_LOAN', 'OTHER'] as const;

export const ZFundingSource = z.object({
  source: z.enum(FUNDING_SOURCES),
  amountFen: ZFen,
});

export const ZPerformanceTarget = z.object({
  indicator: z.string().min(1).max(200),
  target: z.string().min(1).max(200),
});

/** 申报: what a village committee submits after the villagers' representative meeting. */
export const ZProposal = z
  .object({
    name: z.string().trim().min(2).max(100),
    industry: z.string().trim().min(1).max(50),
    orgUnitId: z.string().min(1),
    budgetFen: ZFen.positive(),
    fundingSources: z.array(ZFundingSource).min(1),
    implementer: z.object({ name: z.string().trim().min(1).max(100), creditCode: z.string().max(30).optional() }),
    householdLinkage: z.object({
      households: z.number().int().nonnegative(),
      mechanism: z.string().trim().min(1).max(500),
    }),
    // No targets, no entry into the pool: refused at the door rather than at the pool.
    performanceTargets: z.array(ZPerformanceTarget).min(1, 'performance targets (绩效目标) are required'),
    meetingRecord: z.string().trim().min(1).max(2000),
    fiscalYear: z.number().int().min(2000).max(2100).optional(),
  })
  .refine((p) => p.fundingSources.reduce((s, f) => s + f.amountFen, 0) === p.budgetFen, {
    message: 'funding sources must add up to the budget',
    path: ['fundingSources'],
  });
export type TProposal = z.infer<typeof ZProposal>;
