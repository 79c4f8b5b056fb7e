import * as z from '../shape';
import { AppError } from '../errors';

/**
 * Money is integer fen (分) held in a JS `number` that is always a safe integer.
 *
 * Why `number` and not `bigint`: amounts travel through Temporal payloads, JSON HTTP bodies and
 * search attributes, none of which carry bigint natively. Number.MAX_SAFE_INTEGER fen is about
 * 90 trillion yuan, far above any county budget. Only products (amount × ratio) can exceed the
 * safe range, so every multiplication below is done in bigint and the result checked on the way
 * back. Ratios are basis points (bp, 1/10000): 40% = 4000 bp, so no ratio is ever a float.
 */

const BP_PER_UNIT = 10_000n;

/** A non-negative amount in fen. `z.int()` already limits to the safe-integer range. */
export const ZFen = z.int().nonnegative();
export type TFen = z.infer<typeof ZFen>;

/**
 * The largest amount any one money input may carry: a project's budget, a funding source, an
 * allocation, a payment, a capital report, an asset's value, a period's income. 100亿元
 * (¥10,000,000,000.00 = 10^12 fen) is far above any county assistance project, and keeps every
 * single amount (and the small per-project sums built from a few of them) well inside
 * Number.MAX_SAFE_INTEGER, so one amount is always an exact JSON number. Sums over many projects
 * can still pass 2^53 (9,008 projects at this maximum do): those are summed as bigint and sent as
 * decimal strings (`fenTotal`).
 */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;

/** One money input: 1 fen up to MAX_AMOUNT_FEN. */
export const ZAmountFen = z.int().positive().max(MAX_AMOUNT_FEN);
/** One money input that may be zero (an income period that earned nothing). */
export const ZAmountOrZeroFen = z.int().nonnegative().max(MAX_AMOUNT_FEN);

/** A signed amount in fen (adjustments, differences). */
export const ZSignedFen = z.int();

/** Basis points, 0–10000 (0%–100%). */
export const ZBasisPoints = z.int().min(0).max(10_000);

export function assertFen(value: number, path = 'fen'): number {
  if (!Number.isSafeInteger(value)) {
    throw new AppError('VALIDATION_FAILED', 'Money must be an integer number of fen', [
      { path, message: `${String(value)} is not a safe integer number of fen` },
    ]);
  }
  return value;
}

function assertRatio(value: number, path: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new AppError('VALIDATION_FAILED', 'Ratios must be integers', [{ path, message: `${String(value)} is not an integer` }]);
  }
  return value;
}

function fromBigInt(value: bigint, path: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AppError('VALIDATION_FAILED', 'Amount out of the safe range', [{ path, message: `${value.toString()} fen exceeds Number.MAX_SAFE_INTEGER` }]);
  }
  return Number(value);
}

const YUAN_PATTERN = /^(-)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parse a yuan amount typed by a person ("1234.5", "1,234.56", "¥1,234.56", "-3") into fen using
 * string arithmetic only, so "0.1" + "0.2" style float errors cannot creep in. More than two
 * decimals is refused rather than rounded: a silently rounded fen is a fen nobody approved.
 */
export function parseYuanToFen(input: string, path = 'amount'): number {
  const cleaned = input.trim().replace(/^(-?)\s*[¥￥]\s*/, '$1');
  const match = YUAN_PATTERN.exec(cleaned);
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 'Invalid yuan amount', [{ path, message: `"${input}" is not a yuan amount with at most two decimals` }]);
  }
  const negative = match[1] === '-';
  const wholePart = cleaned.replace(/^-/, '').split('.')[0].replace(/,/g, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const fen = BigInt(wholePart) * 100n + BigInt(fraction);
  return fromBigInt(negative ? -fen : fen, path);
}

/** Display fen as yuan: 123456 → "¥1,234.56", -5 → "-¥0.05". */
export function formatFen(fen: number): string {
  assertFen(fen);
  return formatFenTotal(fen);
}

/** A sum of fen of any size (a roll-up's decimal string, a bigint) as "¥1,234.56", exactly. */
export function formatFenTotal(total: number | bigint | string): string {
  const big = BigInt(total);
  const abs = big < 0n ? -big : big;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${big < 0n ? '-' : ''}¥${whole}.${cents}`;
}

/**
 * `fen × bp / 10000`, rounded DOWN (floor, towards −∞). Floor is the default rounding rule for
 * every amount the county pays out: a payment may fall one fen short, never one fen over what
 * was approved. Remainders are given back explicitly (see `allocateFen`).
 */
export function bpOfFen({ fen, bp }: { fen: number; bp: number }): number {
  assertFen(fen, 'fen');
  assertRatio(bp, 'bp');
  const product = BigInt(fen) * BigInt(bp);
  let quotient = product / BP_PER_UNIT;
  if (product % BP_PER_UNIT !== 0n && product < 0n) quotient -= 1n;
  return fromBigInt(quotient, 'fen');
}

/**
 * `fen × bp / 10000`, rounded UP. Used only for requirements the other party must meet (own
 * capital that must be in, the minimum dividend): rounding a requirement down would let it be
 * missed by a fen.
 */
export function bpOfFenCeil({ fen, bp }: { fen: number; bp: number }): number {
  assertFen(fen, 'fen');
  assertRatio(bp, 'bp');
  const product = BigInt(fen) * BigInt(bp);
  let quotient = product / BP_PER_UNIT;
  if (product % BP_PER_UNIT !== 0n && product > 0n) quotient += 1n;
  return fromBigInt(quotient, 'fen');
}

/** `fen × percent / 100` for an integer percent, floored (same rule as `bpOfFen`). */
export function percentOfFen({ fen, percent }: { fen: number; percent: number }): number {
  assertRatio(percent, 'percent');
  return bpOfFen({ fen, bp: percent * 100 });
}

/** Exact sum; throws if any term or the total leaves the safe-integer range. */
export function sumFen(amounts: readonly number[]): number {
  let total = 0n;
  amounts.forEach((amount, index) => {
    total += BigInt(assertFen(amount, `amounts.${index}`));
  });
  return fromBigInt(total, 'sum');
}

/**
 * Payment requests of one project may total at most MAX_AMOUNT_FEN (paid, approved or under way,
 * the new one included; rejected and withdrawn ones do not count). With the retention release
 * (at most the allocation, itself at most the budget) a project's paid total therefore stays below
 * 2 × MAX_AMOUNT_FEN, far inside the safe-integer range: every per-project money figure (disbursed,
 * paid per tranche) is provably an exact JSON number. The reason when the request passes it, or null.
 */
export function paymentCeilingRefusal({ committedFen, amountFen }: { committedFen: readonly number[]; amountFen: number }): string | null {
  const total = sumFenExact([...committedFen, amountFen]);
  if (total <= BigInt(MAX_AMOUNT_FEN)) return null;
  return `the project's payments would total ${total.toString()} fen, above the maximum of ${MAX_AMOUNT_FEN} fen (100亿元)`;
}

/**
 * Exact sum of any number of amounts (numbers, bigints or the decimal strings of a database sum)
 * as a bigint: never rounded, never out of range, whatever the count.
 */
export function sumFenExact(amounts: Iterable<number | bigint | string | null | undefined>): bigint {
  let total = 0n;
  for (const amount of amounts) {
    if (amount === null || amount === undefined) continue;
    if (typeof amount === 'number') assertFen(amount);
    total += BigInt(amount);
  }
  return total;
}

/** A sum of fen as JSON carries it exactly: a decimal string ("9007199254740993"). */
export function fenTotal(total: bigint | number | null | undefined): string {
  return BigInt(total ?? 0).toString();
}

/**
 * Fen as plain yuan with two decimals for spreadsheets ("1234.56", "-0.05"), by integer
 * arithmetic: `fen / 100` in floating point drifts once amounts are large.
 */
export function fenToYuanDecimal(fen: number | bigint | string): string {
  const big = BigInt(fen);
  const abs = big < 0n ? -big : big;
  return `${big < 0n ? '-' : ''}${(abs / 100n).toString()}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * Split `totalFen` in proportion to integer `weights` so the parts sum exactly to the total.
 * Each part is floored; the leftover fen (fewer than the number of parts) go one each to the
 * largest fractional remainders, ties broken by `keys` ascending, so the same input always gives
 * the same split whatever order the caller listed it in.
 */
export function allocateFen({ totalFen, weights, keys }: { totalFen: number; weights: readonly (number | bigint)[]; keys: readonly string[] }): number[] {
  assertFen(totalFen, 'totalFen');
  if (totalFen < 0) {
    throw new AppError('VALIDATION_FAILED', 'Cannot allocate a negative amount', [{ path: 'totalFen', message: 'must be ≥ 0' }]);
  }
  if (keys.length !== weights.length) {
    throw new AppError('VALIDATION_FAILED', 'keys and weights differ in length', [
      { path: 'keys', message: `${keys.length} keys for ${weights.length} weights` },
    ]);
  }
  const bigWeights = weights.map((weight, index) => {
    const big = BigInt(weight);
    if (big < 0n) {
      throw new AppError('VALIDATION_FAILED', 'Negative allocation weight', [{ path: `weights.${index}`, message: 'must be ≥ 0' }]);
    }
    return big;
  });
  const totalWeight = bigWeights.reduce((sum, weight) => sum + weight, 0n);
  if (totalWeight === 0n) {
    if (totalFen === 0) return weights.map(() => 0);
    throw new AppError('VALIDATION_FAILED', 'Nothing to allocate to: all weights are zero', [{ path: 'weights', message: 'at least one weight must be > 0' }]);
  }
  const total = BigInt(totalFen);
  const parts = bigWeights.map((weight) => (total * weight) / totalWeight);
  const remainders = bigWeights.map((weight) => (total * weight) % totalWeight);
  let leftover = total - parts.reduce((sum, part) => sum + part, 0n);
  const order = bigWeights
    .map((_, index) => index)
    .sort((a, b) => {
      if (remainders[a] !== remainders[b]) return remainders[a] > remainders[b] ? -1 : 1;
      return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0;
    });
  for (const index of order) {
    if (leftover === 0n) break;
    if (bigWeights[index] === 0n) continue;
    parts[index] += 1n;
    leftover -= 1n;
  }
  return parts.map((part) => Number(part));
}
