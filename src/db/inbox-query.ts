import { Prisma } from '../generated/prisma/client';
import { outermostGrants, type TActor } from '../domain/actor';
import { rawTable, type TPrisma } from './prisma';
import { likeLiteral } from './like-pattern';

export const INBOX_VIEWS = ['pending', 'claimed', 'copied', 'done'] as const;
export type TInboxView = (typeof INBOX_VIEWS)[number];
/** Orders a person may ask for (the web app's sortable columns); `-` is descending. */
export const INBOX_SORTS = ['dueAt', '-dueAt', 'createdAt', '-createdAt'] as const;
export type TInboxSort = (typeof INBOX_SORTS)[number];

export interface TInboxFilter {
  view: TInboxView;
  kind?: string;
  /** Tasks of projects in this org unit's subtree (the unit's id appears in the project's path). */
  orgUnitId?: string;
  /** true: pending and past due; false: no due date or not yet due. */
  overdue?: boolean;
  /** Unset: the view's own order (pending by due time, the others most recently changed first). */
  sort?: TInboxSort;
  page: number;
  pageSize: number;
  now: Date;
}

type TTaskRow = Prisma.TaskGetPayload<object>;
export type TInboxItem = TTaskRow & {
  overdue: boolean;
  project: { name: string; stage: string; industry: string; budgetFen: number };
};

/** A LIKE pattern matching every string that starts with `prefix`, wildcards in it taken literally. */
const startsWithPattern = (prefix: string) => `${likeLiteral(prefix)}%`;

/**
 * GET /api/tasks as one SQL statement. Prisma's findMany + count sent two statements whose pending
 * filter was one OR over the named-user and the role-in-scope conditions; the planner answered the
 * count with a BitmapOr and the list by walking all pending tasks in due order. Here each way a task
 * can reach the caller is its own branch of a UNION ALL, each served by its own index (the role
 * branch by the covering Task_inbox_scope_idx of migration 0012, index-only), the branches'
 * matches are materialised once (ids and sort keys only), counted, and only the page is joined to
 * Task and Project. The branches are disjoint (outermostGrants), so UNION ALL counts each task once.
 */
export async function queryInbox({
  prisma,
  actor,
  filter,
}: {
  prisma: TPrisma;
  actor: TActor;
  filter: TInboxFilter;
}): Promise<{ items: TInboxItem[]; total: number }> {
  const task = rawTable(prisma, 'Task');
  const { view, kind, orgUnitId, overdue, sort, page, pageSize, now } = filter;

  const common: Prisma.Sql[] = [];
  if (kind) common.push(Prisma.sql`t.kind = ${kind}`);
  // strpos, not LIKE: an id with % or _ must match itself only; the project is found by its key.
  if (orgUnitId)
    common.push(
      Prisma.sql`EXISTS (SELECT 1 FROM ${rawTable(prisma, 'Project')} p WHERE p.id = t."projectId" AND strpos(p."orgPath", ${`/${orgUnitId}/`}) > 0)`,
    );
  if (overdue === true) common.push(Prisma.sql`t.status = 'PENDING' AND t."dueAt" < ${now}`);
  if (overdue === false) common.push(Prisma.sql`(t."dueAt" IS NULL OR t."dueAt" >= ${now})`);

  const branches: Prisma.Sql[] = [];
  switch (view) {
    case 'pending':
      branches.push(Prisma.sql`t.status = 'PENDING' AND t."candidateUserId" = ${actor.userId}`);
      for (const g of outermostGrants(actor)) {
        // The role compared as text would hide the index; the enum is named in the client's schema.
        branches.push(Prisma.sql`t."candidateRole" = CAST(${g.role} AS ${rawTable(prisma, 'Role')}) AND t.status = 'PENDING'
          AND t."candidateOrgPath" LIKE ${startsWithPattern(g.orgPath)} AND t."candidateUserId" IS NULL`);
      }
      break;
    case 'claimed':
      branches.push(Prisma.sql`t."claimedBy" = ${actor.userId} AND t.status = 'PENDING'`);
      break;
    case 'copied':
      branches.push(Prisma.sql`t.id IN (SELECT cc."taskId" FROM ${rawTable(prisma, 'TaskCc')} cc WHERE cc."userId" = ${actor.userId})`);
      break;
    case 'done': {
      const decision = rawTable(prisma, 'Decision');
      branches.push(Prisma.sql`t.id IN (SELECT d."taskId" FROM ${decision} d WHERE d."actorId" = ${actor.userId})`);
      // Tasks closed without a Decision row are credited to who did them (assigneeId): a review
      // case's steps (DONE for who acted, CANCELLED for the rest), an eligibility applied for, a
      // corrective measure, a command task. NOT EXISTS keeps the branches disjoint for UNION ALL.
      branches.push(Prisma.sql`t."assigneeId" = ${actor.userId} AND t.status = 'DONE'
        AND NOT EXISTS (SELECT 1 FROM ${decision} d WHERE d."taskId" = t.id AND d."actorId" = ${actor.userId})`);
      break;
    }
  }
  const where = (branch: Prisma.Sql) => Prisma.join([branch, ...common], ' AND ');
  // Only the sort keys leave the branches, so the role branch needs nothing outside its index.
  const keys = Prisma.raw(view === 'pending' && !sort ? 't.id, t."dueAt", t."createdAt"' : 't.id, t."dueAt", t."updatedAt", t."createdAt"');
  const matches = Prisma.join(
    branches.map((b) => Prisma.sql`SELECT ${keys} FROM ${task} t WHERE ${where(b)}`),
    ' UNION ALL ',
  );
  // The order the route always had (NULLs of dueAt last, of updatedAt first, PostgreSQL's
  // defaults), with the id last so that pages never overlap or skip rows of equal keys.
  // A chosen order names one of INBOX_SORTS (the route's enum), never the caller's text; tasks
  // without a due time come last either way.
  const order = (a: string) => {
    if (sort) {
      const dir = sort.startsWith('-') ? 'DESC' : 'ASC';
      return Prisma.raw(`${a}."${sort.replace('-', '')}" ${dir} NULLS LAST, ${a}.id ${dir}`);
    }
    return Prisma.raw(
      view === 'pending' ? `${a}."dueAt" ASC, ${a}."createdAt" ASC, ${a}.id ASC` : `${a}."updatedAt" DESC, ${a}."createdAt" DESC, ${a}.id DESC`,
    );
  };

  const rows = await prisma.$queryRaw<
    Array<TTaskRow & { total: number; projectName: string; projectStage: string; projectIndustry: string; projectBudgetFen: bigint }>
  >(Prisma.sql`
    WITH m AS MATERIALIZED (${matches}),
         pg AS (SELECT m.id FROM m ORDER BY ${order('m')} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize})
    SELECT n.total, ${TASK_COLUMNS},
           p.name AS "projectName", p.stage AS "projectStage", p.industry AS "projectIndustry", p."budgetFen" AS "projectBudgetFen"
    FROM (SELECT count(*)::int AS total FROM m) n
    LEFT JOIN pg ON true
    LEFT JOIN ${task} t ON t.id = pg.id
    LEFT JOIN ${rawTable(prisma, 'Project')} p ON p.id = t."projectId"
    ORDER BY ${order('t')}`);

  const total = rows[0]?.total ?? 0;
  const items = rows
    .filter((r) => r.id !== null)
    .map(({ total: _total, projectName, projectStage, projectIndustry, projectBudgetFen, ...t }) => ({
      ...(t as TTaskRow),
      overdue: t.status === 'PENDING' && t.dueAt !== null && t.dueAt < now,
      project: { name: projectName, stage: projectStage, industry: projectIndustry, budgetFen: Number(projectBudgetFen) },
    }));
  return { items, total };
}

/** Every Task column under its field name, so the items keep the shape findMany gave them; enums as text. */
const ENUM_COLUMNS = new Set<string>(['candidateRole', 'status']);
const TASK_COLUMNS = Prisma.raw(
  Object.values(Prisma.TaskScalarFieldEnum)
    .map((c) => (ENUM_COLUMNS.has(c) ? `t."${c}"::text AS "${c}"` : `t."${c}"`))
    .join(', '),
);
