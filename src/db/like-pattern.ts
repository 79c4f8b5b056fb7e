/**
 * `text` as a literal inside a LIKE/ILIKE pattern (PostgreSQL's default escape character is the
 * backslash). Prisma's `contains`, `startsWith` and `endsWith` put the text into a LIKE pattern
 * as it is, so a search for "%" or "_" would match every row; pass user text through this first.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
