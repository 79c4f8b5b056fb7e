import { z } from 'zod';

/**
 * A sum of fen over many rows (a dashboard total): a decimal string, because such a sum can pass
 * Number.MAX_SAFE_INTEGER (9,008 projects at the 100亿元 maximum do) and a JSON number would then
 * lose its last digits. Single amounts stay JSON numbers: each is at most MAX_AMOUNT_FEN.
 */
export const ZFenSum = z
  .string()
  .regex(/^-?\d+$/)
  .describe('integer fen as a decimal string (exact at any size; parse with BigInt, not Number)');
