import { formatFenTotal } from '../../../domain/policies/money';

/** Sums of fen as the API sends them (decimal strings), added exactly. */
export const fenSum = (sums: readonly string[]) => sums.reduce((s, v) => s + BigInt(v), 0n);

/**
 * Yuan as a number, for the bar's length only: a canvas needs numbers, and a double holds any sum
 * below ¥10^13 to the fen. The figures people read (tables, cards) are formatted from the fen.
 */
export const fenToYuanNumber = (fen: string | bigint) => Number(BigInt(fen)) / 100;

/** An axis tick or a tooltip value in yuan, back through fen so that it reads like every other sum ("¥1,234.56"). */
export const yuanAxis = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? formatFenTotal(BigInt(Math.round(value * 100))) : '');
