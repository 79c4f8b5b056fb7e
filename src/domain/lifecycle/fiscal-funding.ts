import * as z from '../shape';
import type { TCommandRefusal } from './project-commands';
import type { FUNDING_SOURCES } from './proposal';

type TFundingSourceName = (typeof FUNDING_SOURCES)[number];
type TFundingLine = { source: TFundingSourceName; amountFen: number };

/**
 * Fiscal money (财政资金) of a project: the funding sources the finance bureau allocates and pays
 * out, in the order an allocation and a payment draw on them. The implementer's own capital (自筹)
 * and a bank loan (银行贷款, the implementer's borrowing, repaid by it) are not fiscal money: the
 * bureau neither allocates nor disburses them, so they count for neither.
 */
export const FISCAL_SOURCES = ['CENTRAL_LINKAGE', 'LOCAL', 'OTHER'] as const satisfies readonly TFundingSourceName[];
export const ZFiscalSource = z.enum(FISCAL_SOURCES);
export type TFiscalSource = z.infer<typeof ZFiscalSource>;
export type TFenBySource = Record<TFiscalSource, number>;

const none = (): TFenBySource => ({ CENTRAL_LINKAGE: 0, LOCAL: 0, OTHER: 0 });

/** What the approved funding plan puts in from each fiscal source. */
export function fiscalSourceAmounts(fundingSources: readonly TFundingLine[]): TFenBySource {
  const sums = none();
  for (const line of fundingSources) if ((FISCAL_SOURCES as readonly string[]).includes(line.source)) sums[line.source as TFiscalSource] += line.amountFen;
  return sums;
}

export const fiscalTotalFen = (fundingSources: readonly TFundingLine[]) => Object.values(fiscalSourceAmounts(fundingSources)).reduce((a, b) => a + b, 0);

/** 资金下达: at least a fen and at most the fiscal sources of the plan (never the own capital). */
export function allocationRefusal({ amountFen, fundingSources }: { amountFen: number; fundingSources: readonly TFundingLine[] }): TCommandRefusal | null {
  const fiscal = fiscalTotalFen(fundingSources);
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
    return { code: 'VALIDATION_FAILED', message: 'the amount must be a positive number of fen', field: 'body.amountFen' };
  if (amountFen > fiscal) {
    return {
      code: 'FISCAL_SOURCES_EXCEEDED',
      message: `the allocation (${amountFen} fen) exceeds the project's fiscal sources (${fiscal} fen; own capital and bank loans are not allocated)`,
      field: 'body.amountFen',
    };
  }
  return null;
}

/**
 * How an allocation splits over the fiscal sources: central 衔接资金 first, then local, then
 * other, each up to what the plan puts in. Deterministic, so every payment's source is too.
 */
export function allocationBySource({ allocatedFen, fundingSources }: { allocatedFen: number; fundingSources: readonly TFundingLine[] }): TFenBySource {
  const plan = fiscalSourceAmounts(fundingSources);
  const split = none();
  let left = allocatedFen;
  for (const source of FISCAL_SOURCES) {
    split[source] = Math.min(plan[source], left);
    left -= split[source];
  }
  return split;
}

/**
 * The fiscal source a payment is paid from: the one the request names, else the first (in the
 * allocation's order) with enough left for the whole amount. A payment is never split over
 * sources, so a central-linkage figure is a plain sum of payments. `usedFen`: paid or in flight.
 */
export function paymentSource({
  amountFen,
  requested,
  allocatedFen,
  fundingSources,
  usedFen,
}: {
  amountFen: number;
  requested?: TFiscalSource | undefined;
  allocatedFen: number;
  fundingSources: readonly TFundingLine[];
  usedFen: Partial<TFenBySource>;
}): { source: TFiscalSource } | { refusal: TCommandRefusal } {
  const allocated = allocationBySource({ allocatedFen, fundingSources });
  const left = (source: TFiscalSource) => allocated[source] - (usedFen[source] ?? 0);
  if (requested) {
    if (left(requested) >= amountFen) return { source: requested };
    return {
      refusal: {
        code: 'FISCAL_SOURCE_EXHAUSTED',
        message: `${requested} has ${Math.max(0, left(requested))} fen left of its allocation; the payment is ${amountFen} fen`,
        field: 'body.command.fiscalSource',
      },
    };
  }
  const source = FISCAL_SOURCES.find((s) => left(s) > 0 && left(s) >= amountFen);
  if (source) return { source };
  const room = FISCAL_SOURCES.map((s) => `${s} ${Math.max(0, left(s))}`).join(', ');
  return {
    refusal: {
      code: 'FISCAL_SOURCE_EXHAUSTED',
      message: `no fiscal source has ${amountFen} fen left (${room} fen): request at most what one source has left`,
      field: 'body.command.amountFen',
    },
  };
}
