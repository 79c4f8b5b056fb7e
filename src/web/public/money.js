// Yuan typed by a person → integer fen, and fen → "¥1,234.56", by string arithmetic only.
// The browser's copy of parseYuanToFen / formatFen in src/domain/policies/money.ts (which needs
// zod and AppError, so it cannot be served as is); test/e2e/money-parity.test.ts holds the two
// to the same answers. No imports and no DOM, so Node can load this file too.

const YUAN_PATTERN = /^(-)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * "1234.5", "1,234.56", "¥1,234.56", "-3" → fen. More than two decimals, stray characters or an
 * amount beyond Number.MAX_SAFE_INTEGER fen give `{ ok: false }`: a rounded fen is a fen nobody
 * approved.
 */
export function parseYuan(input) {
  const cleaned = String(input)
    .trim()
    .replace(/^(-?)\s*[¥￥]\s*/, '$1');
  const match = YUAN_PATTERN.exec(cleaned);
  if (!match) return { ok: false, reason: 'FORMAT' };
  const whole = cleaned.replace(/^-/, '').split('.')[0].replace(/,/g, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const fen = BigInt(whole) * 100n + BigInt(fraction);
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'RANGE' };
  return { ok: true, fen: Number(match[1] === '-' ? -fen : fen) };
}

/**
 * fen → "¥1,234.56" ("-¥0.05"); null and undefined → "—". Takes a number (a single amount), a
 * bigint, or the decimal string the API sends for sums ("9007199254740993"), exactly at any size.
 */
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '—';
  const big = toFenBigInt(fen);
  if (big === null) return '—';
  const abs = big < 0n ? -big : big;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${big < 0n ? '-' : ''}¥${whole}.${cents}`;
}

/** A fen amount or sum as a bigint, or null when it is not an exact integer. */
export function toFenBigInt(fen) {
  if (typeof fen === 'bigint') return fen;
  if (typeof fen === 'string') return /^-?\d+$/.test(fen.trim()) ? BigInt(fen.trim()) : null;
  const n = Number(fen);
  return Number.isSafeInteger(n) ? BigInt(n) : null;
}

/** The exact total of `key` over `items` (numbers or decimal strings), as a bigint. */
export function sumFen(items, key) {
  return items.reduce((total, item) => total + (toFenBigInt(item[key]) ?? 0n), 0n);
}
