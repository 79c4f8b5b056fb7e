import * as z from '../shape';
import { sumFenExact, ZAmountFen } from '../policies/money';
import { ZVisibleName } from '../policies/visible-name';

/**
 * The most households one project may link (联农带农): a million is more than any county has, so a
 * larger figure is a typing error, not a project.
 */
export const MAX_LINKED_HOUSEHOLDS = 1_000_000;

export const FUNDING_SOURCES = ['CENTRAL_LINKAGE', 'LOCAL', 'OWN_CAPITAL', 'BANK_LOAN', 'OTHER'] as const;

export const ZFundingSource = z.object({
  source: z.enum(FUNDING_SOURCES),
  amountFen: ZAmountFen,
});

export const ZPerformanceTarget = z.object({
  indicator: z.string().min(1).max(200),
  target: z.string().min(1).max(200),
});

/** 申报: what a village committee submits after the villagers' representative meeting. */
export const ZProposal = z
  .object({
    name: ZVisibleName({ min: 2, max: 100 }),
    industry: ZVisibleName({ max: 50 }),
    orgUnitId: z.string().min(1),
    // Integer fen, 1 fen to MAX_AMOUNT_FEN (100亿元): see policies/money.ts.
    budgetFen: ZAmountFen,
    // A few lines per source kind at most; bounded so the sum check below stays cheap.
    fundingSources: z.array(ZFundingSource).min(1).max(20),
    implementer: z.object({ name: ZVisibleName({ max: 100 }), creditCode: z.string().max(30).optional() }),
    householdLinkage: z.object({
      households: z.number().int().nonnegative().max(MAX_LINKED_HOUSEHOLDS),
      mechanism: z.string().trim().min(1).max(500),
    }),
    // No targets, no entry into the pool: refused at the door rather than at the pool.
    performanceTargets: z.array(ZPerformanceTarget).min(1, 'performance targets (绩效目标) are required'),
    meetingRecord: z.string().trim().min(1).max(2000),
    fiscalYear: z.number().int().min(2000).max(2100).optional(),
  })
  .refine((p) => sumFenExact(p.fundingSources.map((f) => f.amountFen)) === BigInt(p.budgetFen), {
    message: 'funding sources must add up to the budget',
    path: ['fundingSources'],
  });
export type TProposal = z.infer<typeof ZProposal>;
