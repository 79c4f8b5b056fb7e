import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, parseYuanToFen } from '../../src/domain/policies/money';
// @ts-expect-error plain ES module served to the browser, no type declarations
import * as browserMoney from '../../src/web/public/money.js';

/**
 * The web app parses typed yuan and shows fen with its own copy of the domain's rules
 * (src/web/public/money.js): it must give the same fen, refuse the same input and print the same text.
 */
const web = browserMoney as {
  parseYuan(s: string): { ok: true; fen: number } | { ok: false };
  formatFen(f: number | string | bigint): string;
  sumFen(items: Array<Record<string, unknown>>, key: string): bigint;
};

const domainParse = (s: string): number | null => {
  try {
    return parseYuanToFen(s);
  } catch {
    return null;
  }
};
const webParse = (s: string): number | null => {
  const r = web.parseYuan(s);
  return r.ok ? r.fen : null;
};

const TYPED = [
  '0',
  '1',
  '160000',
  '160,000',
  '160,000.00',
  '1,234.5',
  '¥1,234.56',
  '￥ 12',
  '-3',
  '-¥0.05',
  ' 42.10 ',
  '0.1',
  '.5',
  '5.',
  '1.234',
  '12,34',
  '1,2345',
  '1 000',
  '4万',
  '',
  '¥',
  '-',
  '+5',
  '1e3',
  '0x10',
  '00012.30',
  '90071992547409.91',
  '90071992547409.92',
  '999999999999999999',
];

describe('browser money parsing matches the domain', () => {
  it.each(TYPED)('%j', (typed) => {
    expect(webParse(typed)).toBe(domainParse(typed));
  });

  it('on arbitrary text built from the characters people type in amounts', () => {
    const chars = fc.constantFrom(...'0123456789,.¥￥- '.split(''));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 24 }).map((a) => a.join('')),
        (typed) => {
          expect(webParse(typed)).toBe(domainParse(typed));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('prints fen the same way', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n, n % 1_000_000)),
        (fen) => {
          expect(web.formatFen(fen)).toBe(formatFen(fen));
        },
      ),
      { numRuns: 2000 },
    );
    expect(web.formatFen(16_000_000)).toBe('¥160,000.00');
  });

  it("prints the API's decimal-string sums beyond 2^53 exactly, and adds them as bigint", () => {
    // The dashboard's money sums arrive as strings (issue #14 item 5); Number() would drop the last fen.
    expect(web.formatFen('9007199254740993')).toBe('¥90,071,992,547,409.93');
    expect(web.formatFen('-5')).toBe('-¥0.05');
    expect(web.formatFen('12.5')).toBe('—');
    expect(web.sumFen([{ a: '9008000000000000' }, { a: 1 }, { a: '2' }], 'a')).toBe(9_008_000_000_000_003n);
  });
});
