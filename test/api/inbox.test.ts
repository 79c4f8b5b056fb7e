/**
 * GET /api/tasks against an independent oracle: a few hundred Task rows written straight to the
 * database (every way a task can reach a user, and many that must not), then every view and filter
 * of the route compared, in order and page by page, with the same rules applied in JavaScript to
 * all rows. The route's SQL (src/db/inbox-query.ts) and this file share no code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import { startTestStack, type TTestStack } from '../support/stack';
import type { Role } from '../../src/generated/prisma/client';
import { isAddressedTo } from '../../src/domain/task-audience';
import { taskRecipients } from '../../src/notifications/recipients';
import type { TActor } from '../../src/domain/actor';

let s: TTestStack;
const NOW = Date.now();
const HOUR = 3_600_000;

interface TUnit {
  id: string;
  path: string;
}
const county: TUnit = { id: 'c-qingshan', path: '/c-qingshan/' };
const hexi: TUnit = { id: 't-hexi', path: '/c-qingshan/t-hexi/' };
const taoyuan: TUnit = { id: 'v-taoyuan', path: '/c-qingshan/t-hexi/v-taoyuan/' };
const shiqiao: TUnit = { id: 'v-shiqiao', path: '/c-qingshan/t-hexi/v-shiqiao/' };
const dongling: TUnit = { id: 't-dongling', path: '/c-qingshan/t-dongling/' };
const chaling: TUnit = { id: 'v-chaling', path: '/c-qingshan/t-dongling/v-chaling/' };
// Two townships whose ids differ only where one has `_`: a LIKE pattern that does not escape it
// would let a reviewer of `t_a` see the tasks of `tXa`.
const underscore: TUnit = { id: 't_a', path: '/c-qingshan/t_a/' };
const lookalike: TUnit = { id: 'tXa', path: '/c-qingshan/tXa/' };

type TUser = { id: string; token: string };
const users: Record<'township' | 'township2' | 'agri' | 'multi' | 'underscore' | 'monitor', TUser> = {} as never;

interface TRow {
  id: string;
  projectId: string;
  projectPath: string;
  kind: string;
  candidateRole: string | null;
  candidateOrgPath: string | null;
  candidateUserId: string | null;
  claimedBy: string | null;
  status: 'PENDING' | 'WAITING' | 'DONE' | 'CANCELLED' | 'SUSPENDED';
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date | null;
  ccTo: string[];
  decidedBy: string[];
  /** Who a task closed without a Decision row is credited to (a review case's step, a measure). */
  assigneeId: string | null;
}
const rows: TRow[] = [];

async function inbox(user: TUser, query: string) {
  const res = await s.app.inject({ method: 'GET', url: `/api/tasks${query}`, headers: { authorization: `Bearer ${user.token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Array<Record<string, unknown> & { id: string }>; total: number; page: number; pageSize: number };
}

/** Every page of a listing, concatenated, checking each page's bookkeeping on the way. */
async function allPages(user: TUser, query: string, pageSize: number) {
  const ids: string[] = [];
  let total = -1;
  for (let page = 1; page < 100; page++) {
    const res = await inbox(user, `?${query}${query ? '&' : ''}page=${page}&pageSize=${pageSize}`);
    expect(res.page).toBe(page);
    expect(res.pageSize).toBe(pageSize);
    if (total >= 0) expect(res.total).toBe(total);
    total = res.total;
    ids.push(...res.items.map((i) => i.id));
    expect(res.items.length).toBeLessThanOrEqual(pageSize);
    if (res.items.length < pageSize) break;
  }
  return { ids, total };
}

// The oracle: the route's rules, written out once more.
type TGrant = { role: string; orgPath: string };
const grantsOf: Record<string, TGrant[]> = {};
const pendingFor = (userId: string) => (r: TRow) =>
  r.status === 'PENDING' &&
  (r.candidateUserId === userId ||
    (r.candidateUserId === null && grantsOf[userId]!.some((g) => g.role === r.candidateRole && (r.candidateOrgPath ?? '').startsWith(g.orgPath))));
const byView = {
  pending: pendingFor,
  claimed: (userId: string) => (r: TRow) => r.status === 'PENDING' && r.claimedBy === userId,
  copied: (userId: string) => (r: TRow) => r.ccTo.includes(userId),
  done: (userId: string) => (r: TRow) => r.decidedBy.includes(userId) || (r.status === 'DONE' && r.assigneeId === userId),
};
const cmpAsc = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b);
const t = (d: Date | null) => (d ? d.getTime() : null);
type TFilters = { kind?: string; orgUnitId?: string; overdue?: boolean; sort?: 'dueAt' | '-dueAt' | 'createdAt' | '-createdAt' };
/** A chosen order: that key (no due time last, either way), then the id, both in its direction. */
function bySort(sort: NonNullable<TFilters['sort']>) {
  const dir = sort.startsWith('-') ? -1 : 1;
  const key = (r: TRow) => t(sort.endsWith('dueAt') ? r.dueAt : r.createdAt);
  return (a: TRow, b: TRow) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka !== kb) return ka === null ? 1 : kb === null ? -1 : dir * (ka - kb);
    return dir * (a.id < b.id ? -1 : 1);
  };
}
function expected(user: TUser, view: keyof typeof byView, filters: TFilters = {}) {
  const now = Date.now();
  return rows
    .filter(byView[view](user.id))
    .filter((r) => !filters.kind || r.kind === filters.kind)
    .filter((r) => !filters.orgUnitId || r.projectPath.includes(`/${filters.orgUnitId}/`))
    .filter(
      (r) =>
        filters.overdue === undefined ||
        (filters.overdue ? r.status === 'PENDING' && r.dueAt !== null && r.dueAt.getTime() < now : r.dueAt === null || r.dueAt.getTime() >= now),
    )
    .sort((a, b) =>
      filters.sort
        ? bySort(filters.sort)(a, b)
        : view === 'pending'
          ? cmpAsc(t(a.dueAt), t(b.dueAt)) || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)
          : // Newest change first; a task never updated (null) before all others, as PostgreSQL sorts NULLs in DESC.
            -cmpAsc(t(a.updatedAt), t(b.updatedAt)) || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
    )
    .map((r) => r.id);
}

beforeAll(async () => {
  s = await startTestStack({ worker: false });
  const p = s.prisma;
  await p.orgUnit.createMany({
    data: [
      { id: underscore.id, name: '下划线乡', level: 'TOWNSHIP', parentId: county.id, path: underscore.path },
      { id: lookalike.id, name: '相似乡', level: 'TOWNSHIP', parentId: county.id, path: lookalike.path },
    ],
  });
  const demo = (name: string) => ({ id: s.userIds[name]!, token: s.tokens[name]! });
  users.township = demo('township');
  users.township2 = demo('township2');
  users.agri = demo('agri');
  users.monitor = demo('monitor');
  // A reviewer for the whole county who also holds the same role at one township (the narrower
  // grant adds nothing and must not list a task twice) and the finance role at the county.
  const multi = await p.user.create({ data: { username: 'inbox-multi', displayName: '多角色', passwordHash: 'x' } });
  await p.roleAssignment.createMany({
    data: [
      { userId: multi.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: hexi.id },
      { userId: multi.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: county.id },
      { userId: multi.id, role: 'COUNTY_FINANCE', orgUnitId: county.id },
    ],
  });
  users.multi = { id: multi.id, token: await issueToken(p, multi.id, 'test') };
  const under = await p.user.create({ data: { username: 'inbox-underscore', displayName: '下划线审核', passwordHash: 'x' } });
  await p.roleAssignment.create({ data: { userId: under.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: underscore.id } });
  users.underscore = { id: under.id, token: await issueToken(p, under.id, 'test') };
  grantsOf[users.township.id] = [{ role: 'TOWNSHIP_REVIEWER', orgPath: hexi.path }];
  grantsOf[users.township2.id] = [{ role: 'TOWNSHIP_REVIEWER', orgPath: dongling.path }];
  grantsOf[users.agri.id] = [{ role: 'COUNTY_AGRICULTURE', orgPath: county.path }];
  grantsOf[users.monitor.id] = [{ role: 'MONITOR', orgPath: county.path }];
  grantsOf[multi.id] = [
    { role: 'TOWNSHIP_REVIEWER', orgPath: hexi.path },
    { role: 'TOWNSHIP_REVIEWER', orgPath: county.path },
    { role: 'COUNTY_FINANCE', orgPath: county.path },
  ];
  grantsOf[under.id] = [{ role: 'TOWNSHIP_REVIEWER', orgPath: underscore.path }];

  // One project per village-like unit; the underscore townships hold their projects directly.
  const projectUnits = [taoyuan, shiqiao, chaling, underscore, lookalike];
  for (const [i, u] of projectUnits.entries()) {
    const parts = u.path.split('/').filter(Boolean);
    await p.project.create({
      data: {
        id: `inbox-p${i}`,
        workflowId: `inbox-wf-p${i}`,
        name: `收件箱项目${i}`,
        industry: ['茶叶', '肉牛'][i % 2]!,
        orgUnitId: u.id,
        countyId: parts[0]!,
        townshipId: parts[1]!,
        villageId: parts[2] ?? parts[1]!,
        orgPath: u.path,
        budgetFen: 1_000_000n + BigInt(i),
        proposerId: s.userIds.village!,
        stage: 'TOWNSHIP_REVIEW',
        proposal: {},
      },
    });
  }

  // Candidates: groups at every scope, named users (the reviewers and someone else), nobody.
  const groupScopes: Array<{ role: string; unit: TUnit } | null> = [
    { role: 'TOWNSHIP_REVIEWER', unit: hexi },
    { role: 'TOWNSHIP_REVIEWER', unit: dongling },
    { role: 'TOWNSHIP_REVIEWER', unit: underscore },
    { role: 'TOWNSHIP_REVIEWER', unit: lookalike },
    { role: 'COUNTY_AGRICULTURE', unit: county },
    { role: 'COUNTY_FINANCE', unit: county },
    { role: 'VILLAGE_COMMITTEE', unit: taoyuan },
    null,
  ];
  const named = [null, null, users.township.id, users.township2.id, users.multi.id, s.userIds.village!];
  const statuses = ['PENDING', 'PENDING', 'PENDING', 'DONE', 'WAITING', 'CANCELLED', 'SUSPENDED'] as const;
  const kinds = ['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'REVISE_AND_RESUBMIT'];
  // Few distinct due and creation times, so the tie-breaks (createdAt, then id) decide often.
  const dues = [null, NOW - 48 * HOUR, NOW - HOUR, NOW + HOUR, NOW + 48 * HOUR, NOW + HOUR];
  const claimers = [null, null, null, users.township.id, users.multi.id];
  const data = [];
  for (let i = 0; i < 360; i++) {
    const scope = groupScopes[i % groupScopes.length]!;
    const candidateUserId = named[Math.floor(i / 8) % named.length]!;
    const projectIndex = scope?.unit === underscore ? 3 : scope?.unit === lookalike ? 4 : (i * 7) % 3;
    const row: TRow = {
      id: `inbox-t${String(i).padStart(3, '0')}`,
      projectId: `inbox-p${projectIndex}`,
      projectPath: projectUnits[projectIndex]!.path,
      kind: kinds[(i >> 1) % kinds.length]!,
      candidateRole: candidateUserId ? null : (scope?.role ?? null),
      candidateOrgPath: candidateUserId ? null : (scope?.unit.path ?? null),
      candidateUserId,
      claimedBy: claimers[i % claimers.length]!,
      status: statuses[(i * 5) % statuses.length]!,
      dueAt: dues[(i * 11) % dues.length] === null ? null : new Date(dues[(i * 11) % dues.length]!),
      createdAt: new Date(NOW - ((i * 13) % 4) * 60_000),
      updatedAt: i % 9 === 0 ? null : new Date(NOW - ((i * 17) % 5) * 60_000),
      ccTo: i % 10 === 3 ? [users.monitor.id] : i % 10 === 6 ? [users.monitor.id, users.township.id] : [],
      decidedBy: i % 7 === 2 ? [users.township.id] : i % 3 === 1 ? [users.agri.id, users.township.id] : [],
      // Credited without a decision (DONE for who acted; on CANCELLED rows it must not count), and
      // now and then on a task the same person also decided (listed once).
      assigneeId: i % 4 === 3 ? users.township.id : i % 4 === 1 ? users.agri.id : null,
    };
    rows.push(row);
    data.push({
      id: row.id,
      projectId: row.projectId,
      workflowId: `inbox-wf-${i}`,
      stepKey: `k${i}`,
      kind: row.kind,
      title: `任务${i}`,
      candidateRole: row.candidateRole as Role,
      candidateOrgPath: row.candidateOrgPath,
      candidateOrgUnitId: row.candidateOrgPath?.split('/').filter(Boolean).at(-1) ?? null,
      candidateUserId: row.candidateUserId,
      claimedBy: row.claimedBy,
      status: row.status,
      stepId: 'inbox',
      mode: 'SEQUENTIAL',
      dueAt: row.dueAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      assigneeId: row.assigneeId,
    });
  }
  await p.task.createMany({ data });
  await p.taskCc.createMany({
    data: rows.flatMap((r) =>
      r.ccTo.map((userId) => ({
        id: `${r.id}:${userId}`,
        taskId: r.id,
        projectId: r.projectId,
        workflowId: 'x',
        stepId: 'inbox',
        userId,
        requestId: `cc-${r.id}-${userId}`,
      })),
    ),
  });
  await p.decision.createMany({
    data: rows.flatMap((r) =>
      r.decidedBy.flatMap((actorId) =>
        // Two decisions by the same person on one task (a comment, then the approval) list it once.
        ['comment', 'approve'].map((action) => ({
          requestId: `d-${r.id}-${actorId}-${action}`,
          taskId: r.id,
          projectId: r.projectId,
          actorId,
          action,
          stageBefore: 'X',
          stageAfter: 'X',
        })),
      ),
    ),
  });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('GET /api/tasks lists exactly what the rules say, in order, page by page', () => {
  const cases: Array<[string, keyof typeof users, keyof typeof byView, TFilters]> = [
    ['pending (待办): own role in scope and own named tasks', 'township', 'pending', {}],
    ['pending of another township', 'township2', 'pending', {}],
    ['pending of a county role', 'agri', 'pending', {}],
    ['pending with overlapping grants of one role and a second role: each task once', 'multi', 'pending', {}],
    ['pending of a township whose id holds a LIKE wildcard', 'underscore', 'pending', {}],
    ['claimed by me', 'township', 'claimed', {}],
    ['claimed by me (another user)', 'multi', 'claimed', {}],
    ['copied to me (抄送我的)', 'monitor', 'copied', {}],
    ['copied to me, shared with another recipient', 'township', 'copied', {}],
    ['done by me (已办), several decisions on one task', 'township', 'done', {}],
    ['done by me, other actor', 'agri', 'done', {}],
    ['pending, filtered by type', 'multi', 'pending', { kind: 'COUNTY_JOINT_REVIEW' }],
    ['pending, filtered by org unit (a village)', 'multi', 'pending', { orgUnitId: 'v-taoyuan' }],
    ['pending, filtered by org unit (a township)', 'multi', 'pending', { orgUnitId: 't-hexi' }],
    ['pending, filtered by an org unit whose id holds a LIKE wildcard', 'multi', 'pending', { orgUnitId: 't_a' }],
    ['pending, overdue only', 'multi', 'pending', { overdue: true }],
    ['pending, not overdue', 'multi', 'pending', { overdue: false }],
    ['done, overdue only', 'township', 'done', { overdue: true }],
    ['done, not overdue, by type and org unit', 'township', 'done', { overdue: false, kind: 'TOWNSHIP_REVIEW', orgUnitId: 't-hexi' }],
    ['copied, by org unit', 'township', 'copied', { orgUnitId: 'v-shiqiao' }],
    ['claimed, by type', 'township', 'claimed', { kind: 'TOWNSHIP_REVIEW' }],
    // The orders the web app's inbox table sorts by (?sort=).
    ['pending, latest due first', 'multi', 'pending', { sort: '-dueAt' }],
    ['pending, oldest first, overdue only', 'multi', 'pending', { sort: 'createdAt', overdue: true }],
    ['done, newest first', 'township', 'done', { sort: '-createdAt' }],
    ['copied, earliest due first', 'monitor', 'copied', { sort: 'dueAt' }],
  ];
  for (const [name, who, view, filters] of cases) {
    it(name, async () => {
      const want = expected(users[who], view, filters);
      const q = new URLSearchParams({
        view,
        ...(filters.kind ? { kind: filters.kind } : {}),
        ...(filters.orgUnitId ? { orgUnitId: filters.orgUnitId } : {}),
        ...(filters.overdue !== undefined ? { overdue: String(filters.overdue) } : {}),
        ...(filters.sort ? { sort: filters.sort } : {}),
      });
      // Pages of 7 cross many ties of the sort keys; one page of 200 checks the whole list at once.
      const paged = await allPages(users[who], q.toString(), 7);
      expect(paged.ids).toEqual(want);
      expect(paged.total).toBe(want.length);
      const whole = await inbox(users[who], `?${q}&pageSize=200`);
      expect(whole.items.map((i) => i.id)).toEqual(want);
    });
  }

  it('the data exercise every case: nothing above is trivially empty', () => {
    for (const [name, who, view, filters] of cases) expect(expected(users[who], view, filters).length, name).toBeGreaterThan(0);
    // "Done by me" holds tasks credited without a decision, tasks both decided and credited, and
    // leaves out credited tasks that were not DONE.
    const credited = (r: TRow, who: TUser, status: TRow['status'], decided: boolean) =>
      r.status === status && r.assigneeId === who.id && r.decidedBy.includes(who.id) === decided;
    expect(rows.filter((r) => credited(r, users.agri, 'DONE', false)).length).toBeGreaterThan(0);
    expect(rows.filter((r) => credited(r, users.township, 'DONE', true)).length).toBeGreaterThan(0);
    expect(rows.filter((r) => credited(r, users.agri, 'CANCELLED', false)).length).toBeGreaterThan(0);
    // The overlapping grants would list some tasks twice if the branches were not disjoint.
    expect(rows.filter(pendingFor(users.multi.id)).length).toBeGreaterThan(rows.filter(pendingFor(users.township.id)).length);
  });

  it('defaults to the pending view, page 1 of 50', async () => {
    const res = await inbox(users.multi, '');
    expect([res.page, res.pageSize]).toEqual([1, 50]);
    expect(res.items.map((i) => i.id)).toEqual(expected(users.multi, 'pending').slice(0, 50));
    expect(res.total).toBe(expected(users.multi, 'pending').length);
  });

  it('a page past the end is empty and still tells the total', async () => {
    const res = await inbox(users.township, '?view=pending&page=500&pageSize=50');
    expect(res.items).toEqual([]);
    expect(res.total).toBe(expected(users.township, 'pending').length);
  });

  it('an empty view answers total 0', async () => {
    const res = await inbox(users.underscore, '?view=done');
    expect(res).toEqual({ items: [], total: 0, page: 1, pageSize: 50 });
  });

  it('each item is the whole task row, its project summary and whether it is overdue', async () => {
    const res = await inbox(users.township, '?view=pending&pageSize=200');
    const ids = res.items.map((i) => i.id);
    const stored = await s.prisma.task.findMany({
      where: { id: { in: ids } },
      include: { project: { select: { name: true, stage: true, industry: true, budgetFen: true } } },
    });
    const now = Date.now();
    for (const item of res.items) {
      const row = stored.find((r) => r.id === item.id)!;
      const want = JSON.parse(JSON.stringify({ ...row, project: { ...row.project, budgetFen: Number(row.project.budgetFen) } }));
      const { overdue, urge, ...rest } = item as typeof item & { urge: unknown };
      expect(rest).toEqual(want);
      // The urge mark: how often and when, from the row (who urged comes from the audit trail).
      expect(urge).toEqual(
        row.urgeCount > 0 && row.lastUrgedAt ? expect.objectContaining({ count: row.urgeCount, lastAt: row.lastUrgedAt.toISOString() }) : null,
      );
      expect(overdue).toBe(row.status === 'PENDING' && row.dueAt !== null && row.dueAt.getTime() < now);
    }
    expect(res.items.some((i) => i.overdue === true)).toBe(true);
    expect(res.items.some((i) => i.overdue === false)).toBe(true);
  });

  it('refuses an unknown view or a page size over 200 with 400, and an anonymous caller with 401', async () => {
    for (const q of ['?view=everything', '?pageSize=201', '?page=0', '?overdue=maybe']) {
      const res = await s.app.inject({ method: 'GET', url: `/api/tasks${q}`, headers: { authorization: `Bearer ${users.township.token}` } });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await s.app.inject({ method: 'GET', url: '/api/tasks' })).statusCode).toBe(401);
  });

  it("a pending task's notification recipients are the people isAddressedTo names, and the unclaimed ones are exactly those whose pending inbox lists it", async () => {
    // Every active user of the database as an actor (the demo seed's people included), built from
    // their stored grants: the recipients query must name exactly those the domain predicate does.
    const people = await s.prisma.user.findMany({ where: { active: true }, include: { roles: { include: { orgUnit: true } } } });
    const actors: TActor[] = people.map((u) => ({
      userId: u.id,
      roles: u.roles.map((g) => ({ role: g.role, orgUnitId: g.orgUnitId, orgPath: g.orgUnit.path })),
    }));
    const inboxes = new Map<string, Set<string>>();
    for (const u of Object.values(users)) inboxes.set(u.id, new Set((await allPages(u, 'view=pending', 200)).ids));
    let groupTasks = 0;
    for (const r of rows.filter((row) => row.status === 'PENDING')) {
      const recipients = await taskRecipients(s.prisma, r);
      expect(recipients.sort(), r.id).toEqual(
        actors
          .filter((a) => isAddressedTo(r, a))
          .map((a) => a.userId)
          .sort(),
      );
      if (r.claimedBy !== null) continue;
      const listing = [...inboxes].filter(([, ids]) => ids.has(r.id)).map(([id]) => id);
      expect(recipients.filter((id) => inboxes.has(id)).sort(), r.id).toEqual(listing.sort());
      if (r.candidateUserId === null && recipients.length > 1) groupTasks++;
    }
    expect(groupTasks).toBeGreaterThan(5);
  });
});
