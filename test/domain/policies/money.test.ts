import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import {
  allocateFen,
  bpOfFen,
  bpOfFenCeil,
  fenToYuanDecimal,
  fenTotal,
  formatFen,
  MAX_AMOUNT_FEN,
  parseYuanToFen,
  paymentCeilingRefusal,
  percentOfFen,
  sumFen,
  sumFenExact,
} from '../../../src/domain/policies/money';

describe('money sums beyond 2^53 (issue #14 item 5: the dashboard sums overflowed)', () => {
  it('sumFenExact adds 9,010 amounts at the maximum exactly, past Number.MAX_SAFE_INTEGER', () => {
    const amounts = Array.from({ length: 9_010 }, () => MAX_AMOUNT_FEN);
    const exact = sumFenExact([...amounts, 3, '7', 11n, null]);
    expect(exact).toBe(9_010n * 1_000_000_000_000n + 21n);
    expect(exact > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // As a JS number (what the old route sent) the last fen is lost.
    expect(BigInt(Number(exact))).not.toBe(exact);
    expect(fenTotal(exact)).toBe('9010000000000021');
    expect(fenTotal(null)).toBe('0');
  });

  it('fenToYuanDecimal prints large amounts without floating-point drift', () => {
    expect(fenToYuanDecimal(9_007_199_254_740_993n)).toBe('90071992547409.93');
    expect(fenToYuanDecimal(MAX_AMOUNT_FEN - 1)).toBe('9999999999.99');
    expect(fenToYuanDecimal(-5)).toBe('-0.05');
    expect(fenToYuanDecimal('120')).toBe('1.20');
  });

  it("paymentCeilingRefusal keeps a project's payment requests at or below the maximum", () => {
    expect(paymentCeilingRefusal({ committedFen: [MAX_AMOUNT_FEN - 10], amountFen: 10 })).toBeNull();
    expect(paymentCeilingRefusal({ committedFen: [MAX_AMOUNT_FEN - 10], amountFen: 11 })).toContain('above the maximum');
  });
});

function validationPath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    return (error as AppError).details[0]?.path;
  }
  throw new Error('expected a VALIDATION_FAILED AppError');
}

describe('parseYuanToFen', () => {
  it.each([
    ['0', 0],
    ['1234', 123_400],
    ['1234.5', 123_450],
    ['1234.56', 123_456],
    ['1,234.56', 123_456],
    ['¥1,234.56', 123_456],
    ['￥ 12,345,678.09', 1_234_567_809],
    ['0.1', 10],
    ['0.29', 29],
    ['-3', -300],
    ['-¥0.05', -5],
    ['  42.00 ', 4200],
  ])('%s → %i fen', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });

  it.each(['', 'abc', '1.234', '1,23.00', '12,3456', '1e5', '.5', '1.', '--1', 'NaN'])('refuses %j', (text) => {
    expect(validationPath(() => parseYuanToFen(text, 'body.budget'))).toBe('body.budget');
  });

  it('refuses amounts beyond the safe-integer range', () => {
    expect(validationPath(() => parseYuanToFen('900000000000000000'))).toBe('amount');
  });
});

describe('formatFen', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [100, '¥1.00'],
    [123_456, '¥1,234.56'],
    [100_000_000, '¥1,000,000.00'],
    [-5, '-¥0.05'],
    [-123_456_789, '-¥1,234,567.89'],
  ])('%i → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('round-trips with parseYuanToFen', () => {
    for (const fen of [0, 1, 99, 100, 101, 123_456_789, -7]) expect(parseYuanToFen(formatFen(fen))).toBe(fen);
  });

  it('refuses fractional fen', () => {
    expect(() => formatFen(1.5)).toThrow(AppError);
  });
});

describe('ratio helpers', () => {
  it('floors odd fen amounts', () => {
    expect(bpOfFen({ fen: 1_000_001, bp: 4000 })).toBe(400_000); // 400,000.4
    expect(bpOfFen({ fen: 999, bp: 3333 })).toBe(332); // 332.9667
    expect(bpOfFen({ fen: 1, bp: 9999 })).toBe(0);
    expect(percentOfFen({ fen: 12_345, percent: 10 })).toBe(1234); // 1234.5
  });

  it('ceil variant rounds requirements up', () => {
    expect(bpOfFenCeil({ fen: 1_000_001, bp: 4000 })).toBe(400_001);
    expect(bpOfFenCeil({ fen: 1_000_000, bp: 4000 })).toBe(400_000);
  });

  it('stays exact where the product exceeds the safe range', () => {
    // MAX_SAFE_INTEGER × 5000 is far beyond 2^53; bigint keeps the last digit right.
    const safe = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991
    expect(bpOfFen({ fen: safe, bp: 5000 })).toBe(4_503_599_627_370_495);
  });

  it('refuses non-integer ratios', () => {
    expect(validationPath(() => bpOfFen({ fen: 100, bp: 0.5 }))).toBe('bp');
  });
});

describe('sumFen', () => {
  it('sums exactly', () => {
    expect(sumFen([1, 2, 3, 400_000_000_01])).toBe(400_000_000_07);
    expect(sumFen([])).toBe(0);
  });
  it('refuses a non-integer term with its index', () => {
    expect(validationPath(() => sumFen([1, 2.5]))).toBe('amounts.1');
  });
  it('refuses an overflowing total', () => {
    expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(AppError);
  });
});

describe('allocateFen', () => {
  it('splits 100 fen three ways: sum exact, leftover by key', () => {
    expect(allocateFen({ totalFen: 100, weights: [1, 1, 1], keys: ['b', 'a', 'c'] })).toEqual([33, 34, 33]);
  });

  it('gives leftovers to the largest remainders first', () => {
    // 10 × 1/6 = 1.67, 10 × 2/6 = 3.33, 10 × 3/6 = 5 → 1,3,5 + 1 fen to the 0.67 remainder.
    expect(allocateFen({ totalFen: 10, weights: [1, 2, 3], keys: ['x', 'y', 'z'] })).toEqual([2, 3, 5]);
  });

  it('is independent of input order', () => {
    const a = allocateFen({ totalFen: 1001, weights: [3, 5, 3], keys: ['h1', 'h2', 'h3'] });
    const b = allocateFen({ totalFen: 1001, weights: [3, 3, 5], keys: ['h3', 'h1', 'h2'] });
    expect({ h1: a[0], h2: a[1], h3: a[2] }).toEqual({ h1: b[1], h2: b[2], h3: b[0] });
    expect(a.reduce((s, x) => s + x, 0)).toBe(1001);
  });

  it('never gives to zero weights, and refuses all-zero weights', () => {
    expect(allocateFen({ totalFen: 5, weights: [0, 1, 0], keys: ['a', 'b', 'c'] })).toEqual([0, 5, 0]);
    expect(() => allocateFen({ totalFen: 5, weights: [0, 0], keys: ['a', 'b'] })).toThrow(AppError);
    expect(allocateFen({ totalFen: 0, weights: [0, 0], keys: ['a', 'b'] })).toEqual([0, 0]);
  });
});
