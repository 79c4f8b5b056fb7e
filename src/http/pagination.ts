import { z } from 'zod';

/**
 * The one pagination convention of every list route (docs/api.md, "Pagination"): `?page=` (from 1) and
 * `?pageSize=` (1–200, default 50) in the query; `{ items, total, page, pageSize }` in the answer.
 * Out-of-range values are refused (400 VALIDATION_FAILED on `querystring.page` / `querystring.pageSize`),
 * never clamped, so a script learns at once that it asked for something the API will not give.
 * Every list orders by a unique key last, so walking the pages returns each item exactly once.
 */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).describe('page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe(`items per page, 1–${MAX_PAGE_SIZE}`),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

/** Prisma's skip/take for a page. */
export const pageArgs = ({ page, pageSize }: TPageQuery) => ({ skip: (page - 1) * pageSize, take: pageSize });

/** The answer of a list route: one page of items and the total across all pages. */
export const ZPage = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().min(0).describe('items across all pages'),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
  });

/** An in-memory list (already filtered to what the caller may see) cut into the same pages. */
export function pageOfArray<T>(all: readonly T[], q: TPageQuery) {
  const { skip, take } = pageArgs(q);
  return { items: all.slice(skip, skip + take), total: all.length, page: q.page, pageSize: q.pageSize };
}
