import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password';
import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';
import { issueToken, issueTokenRecord } from '../../src/auth/tokens';
import { newRequestId, sampleProposal, startTestStack, DEMO_PASSWORD, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';
import { authHeader, changedTables, errorCodeOf, fillPath, listRoutes, snapshot, STATE_CHANGING, type TRoute } from './support';

/**
 * Every role × every state-changing route × (where the route has an org dimension) a target inside
 * and one outside the actor's org units. Each cell is declared below as allowed or refused; a
 * refusal must be 403 (404 where the route hides what is not yours) and change no row of any table;
 * an allowed call must succeed and change something (so the cell really exercised the route),
 * and leave a new AuditEvent naming its caller (issue #6: every state-changing call is audited).
 */

let s: TTestStack;
let routes: TRoute[];

/** One demo user per role, plus a township-scoped administrator made through the admin API. */
const ACTORS = ['admin', 'hexiAdmin', 'village', 'township', 'agri', 'finance', 'leader', 'expert', 'discipline', 'implementer', 'monitor'] as const;
type TActorName = (typeof ACTORS)[number];
type TScope = 'in' | 'out';

/** Actors whose grants sit below the county: their "outside" is the other township of 青山县. */
const LOCAL_ACTORS = new Set<TActorName>(['hexiAdmin', 'village', 'township', 'implementer']);

/** The org units a cell targets: 桃源村 (河西镇) inside everyone's scope; outside depends on the actor. */
function unitsFor(actor: TActorName, scope: TScope) {
  if (scope === 'in') return { village: 'v-taoyuan', township: 't-hexi' };
  return LOCAL_ACTORS.has(actor) ? { village: 'v-chaling', township: 't-dongling' } : { village: 'v-other', township: 't-other' };
}

type TOutcome = 'allowed' | 'forbidden' | 'hidden';

interface TRouteExpectation {
  /** Whether the route acts on something placed in the org tree (or owned by someone). */
  scoped: boolean;
  /** Actors allowed with an in-scope (or unscoped) target, and with an out-of-scope target. */
  allowIn: readonly TActorName[];
  allowOut: readonly TActorName[];
  /** How a refusal answers: 403, or 404 where the route does not reveal what is someone else's. */
  refusal: 'forbidden' | 'hidden';
  /**
   * The AuditEvent action an allowed call leaves with actorId = the caller. Where a workflow
   * activity writes it (proposals, reviews, task decisions) it lands shortly after the answer.
   */
  audit: string;
  /** Builds the request (and any fixture it needs) for one cell; runs before the snapshot. */
  prepare(actor: TActorName, scope: TScope, outcome: TOutcome): Promise<{ params?: Record<string, string>; payload?: unknown }>;
  /** Puts back what an allowed call changed that later cells depend on. */
  restore?(actor: TActorName): Promise<void>;
}

const EVERYONE = ACTORS;
const ADMINS = ['admin', 'hexiAdmin'] as const;

const tokens = {} as Record<TActorName | 'villageOther', string>;
const userIds = {} as Record<TActorName | 'villageOther', string>;
let fixturePasswordHash: string;
let fixtureSeq = 0;

/** An account placed at a village (and optionally holding a role there), written directly as a fixture. */
async function fixtureUser(village: string, role?: 'MONITOR') {
  fixtureSeq += 1;
  return s.prisma.user.create({
    data: {
      username: `fixture-${fixtureSeq}-${Date.now()}`,
      displayName: `Fixture ${fixtureSeq}`,
      passwordHash: fixturePasswordHash,
      homeOrgUnitId: village,
      roles: role ? { create: [{ role, orgUnitId: village }] } : undefined,
    },
    include: { roles: true },
  });
}

/** The village committee that proposes projects for each target village. */
const PROPOSER: Record<string, 'village' | 'village2' | 'villageOther'> = { 'v-taoyuan': 'village', 'v-chaling': 'village2', 'v-other': 'villageOther' };

/** A project proposed in the village by its village committee: its id and its township review task. */
async function proposeAt(village: string): Promise<{ projectId: string; taskId: string }> {
  const proposer = PROPOSER[village]!;
  const token = proposer === 'village2' ? s.tokens.village2! : tokens[proposer];
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: authHeader(token),
    payload: { ...sampleProposal({ orgUnitId: village }), requestId: newRequestId() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { projectId: string; taskId: string };
}

/** Refusals change nothing, so cells expecting one share a project per village; allowed cells get their own. */
const sharedTasks = new Map<string, string>();
async function reviewTaskAt(village: string, fresh: boolean): Promise<string> {
  if (!fresh && sharedTasks.has(village)) return sharedTasks.get(village)!;
  const { taskId } = await proposeAt(village);
  if (!fresh) sharedTasks.set(village, taskId);
  return taskId;
}

const NEW_PASSWORD = 'matrix-new-password-1';

/** A fresh project proposed in the target village; returns its id and its proposer's user id. */
async function projectAt(village: string): Promise<{ projectId: string; proposerId: string }> {
  const { projectId } = await proposeAt(village);
  const row = await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
  return { projectId, proposerId: row.proposerId };
}

const EXPECTATIONS: Record<string, TRouteExpectation> = {
  'POST /api/auth/logout': {
    scoped: false,
    allowIn: EVERYONE,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'LOGOUT',
    prepare: async () => ({}),
  },
  'POST /api/auth/password': {
    scoped: false,
    allowIn: EVERYONE,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'PASSWORD_CHANGED',
    prepare: async () => ({ payload: { currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD } }),
    restore: async (actor) => {
      await s.prisma.user.update({ where: { id: userIds[actor] }, data: { passwordHash: fixturePasswordHash } });
    },
  },
  'POST /api/tokens': {
    scoped: false,
    allowIn: EVERYONE,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TOKEN_CREATED',
    prepare: async () => ({ payload: { name: 'matrix token', expiresInDays: 1 } }),
  },
  // "Out of scope" for a personal token is someone else's; it answers like a missing one.
  'DELETE /api/tokens/{id}': {
    scoped: true,
    allowIn: EVERYONE,
    allowOut: [],
    refusal: 'hidden',
    audit: 'TOKEN_REVOKED',
    prepare: async (actor, scope) => {
      const owner = scope === 'in' ? actor : actor === 'leader' ? 'monitor' : 'leader';
      const { record } = await issueTokenRecord({ prisma: s.prisma, userId: userIds[owner], name: 'matrix victim' });
      return { params: { id: record.id } };
    },
  },
  'POST /api/admin/users': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'USER_CREATED',
    prepare: async (actor, scope) => {
      const { village } = unitsFor(actor, scope);
      fixtureSeq += 1;
      return {
        payload: {
          username: `new-${fixtureSeq}-${Date.now()}`,
          displayName: '新账户',
          password: 'initial-password-1',
          homeOrgUnitId: village,
          roles: [{ role: 'MONITOR', orgUnitId: village }],
        },
      };
    },
  },
  'POST /api/admin/users/{id}/roles': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'ROLE_ASSIGNED',
    prepare: async (actor, scope) => {
      const { village } = unitsFor(actor, scope);
      const user = await fixtureUser(village);
      return { params: { id: user.id }, payload: { role: 'EXPERT', orgUnitId: village } };
    },
  },
  'DELETE /api/admin/users/{id}/roles/{assignmentId}': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'ROLE_WITHDRAWN',
    prepare: async (actor, scope) => {
      const user = await fixtureUser(unitsFor(actor, scope).village, 'MONITOR');
      return { params: { id: user.id, assignmentId: user.roles[0]!.id } };
    },
  },
  'POST /api/admin/users/{id}/reset-password': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'PASSWORD_RESET',
    prepare: async (actor, scope) => {
      const user = await fixtureUser(unitsFor(actor, scope).village);
      return { params: { id: user.id }, payload: { newPassword: 'reset-password-1' } };
    },
  },
  'POST /api/admin/users/{id}/deactivate': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'USER_DEACTIVATED',
    prepare: async (actor, scope) => {
      const user = await fixtureUser(unitsFor(actor, scope).village);
      return { params: { id: user.id } };
    },
  },
  'POST /api/admin/org-units': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'ORG_UNIT_CREATED',
    prepare: async (actor, scope) => {
      fixtureSeq += 1;
      return { payload: { name: `新村${fixtureSeq}`, parentId: unitsFor(actor, scope).township } };
    },
  },
  // Only an administrator at (or above) the county; a township administrator's scope stops below it.
  'PUT /api/admin/counties/{id}/settings': {
    scoped: true,
    allowIn: ['admin'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'COUNTY_SETTINGS_CHANGED',
    prepare: async (actor, scope) => {
      const countyId = scope === 'in' || LOCAL_ACTORS.has(actor) ? 'c-qingshan' : 'c-other';
      const row = await s.prisma.countySettings.findUnique({ where: { countyId } });
      fixtureSeq += 1;
      const settings = { ...DEFAULT_COUNTY_SETTINGS, publicity: { ...DEFAULT_COUNTY_SETTINGS.publicity, villageDays: 10 + (fixtureSeq % 20) } };
      return { params: { id: countyId }, payload: { expectedVersion: row?.version ?? 0, settings } };
    },
  },
  'POST /api/projects': {
    scoped: true,
    allowIn: ['admin', 'hexiAdmin', 'village'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'PROJECT_PROPOSED',
    prepare: async (actor, scope) => ({ payload: { ...sampleProposal({ orgUnitId: unitsFor(actor, scope).village }), requestId: newRequestId() } }),
  },
  // The deciding body (discipline inspection) opens a case in its own county only.
  'POST /api/reviews': {
    scoped: true,
    allowIn: ['discipline'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'REVIEW_OPEN_BY_BODY',
    prepare: async (actor, scope) => ({
      payload: {
        requestId: newRequestId(),
        opening: 'OPEN_BY_BODY',
        countyOrgUnitId: scope === 'in' || LOCAL_ACTORS.has(actor) ? 'c-qingshan' : 'c-other',
        projectIds: ['P-matrix'],
        concernedOfficials: [{ userId: userIds.village, post: '村党支部书记' }],
        matter: '试点项目亏损',
        lossFen: 100_000,
        triggerType: 'LOSS',
        notifiedAt: Date.now() - 86_400_000,
      },
    }),
  },
  // Honours for an official of a project inside the administrator's scope.
  'POST /api/officials/{userId}/honours': {
    scoped: true,
    allowIn: ADMINS,
    allowOut: [],
    refusal: 'forbidden',
    audit: 'HONOUR_AWARDED',
    prepare: async (actor, scope) => {
      const { projectId, proposerId } = await projectAt(unitsFor(actor, scope).village);
      // Honours need the project graded 优 (tested in test/workflows/review-trigger.test.ts).
      await s.prisma.project.update({ where: { id: projectId }, data: { latestGrade: 'EXCELLENT' } });
      fixtureSeq += 1;
      return { params: { userId: proposerId }, payload: { requestId: newRequestId(), projectId, title: `优秀项目 ${fixtureSeq}` } };
    },
  },
  // The township review task of a project in the target village; only its township's reviewer decides.
  'POST /api/tasks/{taskId}/decision': {
    scoped: true,
    allowIn: ['township'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TASK_APPROVE',
    prepare: async (actor, scope, outcome) => {
      const taskId = await reviewTaskAt(unitsFor(actor, scope).village, outcome === 'allowed');
      return { params: { taskId }, payload: { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId: newRequestId() } };
    },
  },
  // The other actions on the same task (issue #14): the applicant, the task's signers and the
  // administrators whose unit covers the project; an administrator elsewhere is refused like anyone.
  'POST /api/tasks/{taskId}/decision · comment': {
    scoped: true,
    allowIn: ['admin', 'hexiAdmin', 'village', 'township'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TASK_COMMENT',
    prepare: async (actor, scope, outcome) => decisionOnReviewTask(actor, scope, outcome, { action: 'comment', comment: '请补充用地材料' }),
  },
  'POST /api/tasks/{taskId}/decision · urge': {
    scoped: true,
    allowIn: ['admin', 'hexiAdmin', 'village'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TASK_URGE',
    prepare: async (actor, scope, outcome) => decisionOnReviewTask(actor, scope, outcome, { action: 'urge', comment: '请尽快审核' }),
  },
  // Copied to a person of the project's county (the step refuses anyone else: src/domain/approval/named-people.ts).
  'POST /api/tasks/{taskId}/decision · cc': {
    scoped: true,
    allowIn: ['admin', 'hexiAdmin', 'village', 'township'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TASK_CC',
    prepare: async (actor, scope, outcome) => {
      const { village } = unitsFor(actor, scope);
      return decisionOnReviewTask(actor, scope, outcome, { action: 'cc', recipientIds: [village === 'v-other' ? userIds.villageOther : userIds.monitor] });
    },
  },
  // 加签 of a reviewer of the project's own township: only the task's signer may.
  'POST /api/tasks/{taskId}/decision · add_signer': {
    scoped: true,
    allowIn: ['township'],
    allowOut: [],
    refusal: 'forbidden',
    audit: 'TASK_ADD_SIGNER',
    prepare: async (actor, scope, outcome) =>
      decisionOnReviewTask(actor, scope, outcome, {
        action: 'add_signer',
        position: 'AFTER',
        signer: { role: 'TOWNSHIP_REVIEWER', orgUnitId: unitsFor(actor, scope).township },
      }),
  },
};

/** One more action on the township review task of a project in the target village. */
async function decisionOnReviewTask(actor: TActorName, scope: TScope, outcome: TOutcome, body: Record<string, unknown>) {
  const taskId = await reviewTaskAt(unitsFor(actor, scope).village, outcome === 'allowed');
  return { params: { taskId }, payload: { ...body, requestId: newRequestId() } };
}

/** The route an expectation is about: its key, less a ` · action` suffix (one route, several actions). */
const routeOf = (key: string) => key.split(' · ')[0]!;

/**
 * State-changing routes whose authorization is tested elsewhere rather than in this table, each
 * with where and why. Review actions depend on the case's stage and membership (who investigated,
 * who voted), which test/workflows/fault-tolerance-review.test.ts drives case by case.
 */
const TESTED_ELSEWHERE = new Map([
  ['POST /api/reviews/{id}/actions', 'test/workflows/fault-tolerance-review.test.ts'],
  // Needs a case whose final outcome carries measures: done by the responsible unit only (403 else).
  ['POST /api/reviews/{id}/measures/{measureId}/complete', 'test/workflows/review-trigger.test.ts'],
  // Both need a project held in a given stage (publicity, pool); thin-path drives them there.
  ['POST /api/projects/{id}/objections', 'test/api/thin-path.test.ts'],
  ['POST /api/projects/{id}/funding', 'test/api/thin-path.test.ts'],
  // Needs a funded project; roles per command (403), other villages (404), refusals changing
  // nothing: test/api/project-actions.test.ts and test/workflows/lifecycle-operation.test.ts.
  ['POST /api/projects/{id}/actions', 'test/api/project-actions.test.ts'],
  // Notifications (issue #18): a person's own rows, and a county's channels (its administrators only).
  ['POST /api/notifications/read', 'test/notifications/outbox.test.ts'],
  ['PUT /api/notifications/email', 'test/notifications/outbox.test.ts'],
  ['POST /api/counties/{id}/notification-channels', 'test/notifications/outbox.test.ts'],
  ['PATCH /api/notification-channels/{id}', 'test/notifications/outbox.test.ts'],
  // A multipart upload (this table sends JSON): in scope 201, another township 404 with nothing stored.
  ['POST /api/projects/{id}/attachments', 'test/api/attachments.test.ts'],
  ['POST /api/projects/{id}/approval-document', 'test/api/approval-document.test.ts'],
  // Ledger import: other roles 403 ROLE_NOT_ALLOWED, a village outside the importer's county a
  // per-row 422 (UNKNOWN_VILLAGE), each with nothing written; its body is a base64 ledger file.
  ['POST /api/assets/imports', 'test/api/asset-register.test.ts'],
  // The 防返贫监测 list import, the same way: other roles 403 ROLE_NOT_ALLOWED, a village of another
  // county a per-row 422 UNKNOWN_VILLAGE, nothing written; its body is a base64 file.
  ['POST /api/households/imports', 'test/api/household-register.test.ts'],
  // Needs an imported household: its village committee and the bureau 201, another village or
  // county 404 NOT_FOUND, finance 403 ROLE_NOT_ALLOWED, each refusal changing nothing.
  ['POST /api/households/{id}/linkage-entries', 'test/api/household-register.test.ts'],
]);

/**
 * A snapshot once the background has gone quiet: a project's workflow keeps writing for a
 * moment after the API answers (its publicity timer, the next task), and the delivery loop turns
 * the stored notification causes into notifications a round later; neither is the cell's doing.
 */
/** The last snapshot taken with the background quiet and nothing written since (null: unknown). */
let lastQuiet: Awaited<ReturnType<typeof snapshot>> | null = null;

async function settledSnapshot() {
  let previous = await snapshot(s.prisma);
  let quiet = 0;
  for (let i = 0; i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    const next = await snapshot(s.prisma);
    // Two quiet spells in a row: a cascade's steps can be more than 200 ms apart on a loaded machine.
    quiet = changedTables(previous, next).length === 0 && (await s.prisma.notificationCause.count()) === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return next;
    previous = next;
  }
  return previous;
}

/** Routes anyone may call without signing in (the 公示 board's: test/api/public-board.test.ts). */
const PUBLIC_ROUTES = new Set([
  'POST /api/auth/login',
  'GET /api/health',
  'GET /api/public/counties/{countyCode}/publicity',
  'POST /api/public/projects/{id}/objections',
]);

/** The highest AuditEvent id so far: rows a call writes come after it (ids only grow). */
async function lastAuditId(): Promise<bigint> {
  const { _max } = await s.prisma.auditEvent.aggregate({ _max: { id: true } });
  return _max.id ?? 0n;
}

/** Actions of the audit rows written after `afterId` that name `actorId` as the actor. */
async function auditActionsBy(actorId: string, afterId: bigint): Promise<string[]> {
  const rows = await s.prisma.auditEvent.findMany({ where: { id: { gt: afterId }, actorId }, select: { action: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.action);
}

function expectedOutcome(e: TRouteExpectation, actor: TActorName, scope: TScope): TOutcome {
  const allowed = (scope === 'in' ? e.allowIn : e.allowOut).includes(actor);
  return allowed ? 'allowed' : e.refusal;
}

beforeAll(async () => {
  s = await startTestStack();
  routes = await listRoutes(s.app);
  fixturePasswordHash = await hashPassword(DEMO_PASSWORD);
  // A second county, so county-wide roles have an "outside" too (the API creates no counties).
  await s.prisma.orgUnit.createMany({
    data: [
      { id: 'c-other', name: '远山县', level: 'COUNTY', parentId: null, path: '/c-other/' },
      { id: 't-other', name: '远山镇', level: 'TOWNSHIP', parentId: 'c-other', path: '/c-other/t-other/' },
      { id: 'v-other', name: '远山村', level: 'VILLAGE', parentId: 't-other', path: '/c-other/t-other/v-other/' },
    ],
  });
  const villageOther = await s.prisma.user.create({
    data: {
      username: 'village-other',
      displayName: '远山村两委',
      passwordHash: fixturePasswordHash,
      homeOrgUnitId: 'v-other',
      roles: { create: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-other' }] },
    },
  });
  userIds.villageOther = villageOther.id;
  tokens.villageOther = await issueToken(s.prisma, villageOther.id, 'test');
  for (const name of ACTORS) {
    if (name === 'hexiAdmin') continue;
    tokens[name] = s.tokens[name]!;
    userIds[name] = s.userIds[name]!;
  }
  // The township administrator is made the way a county administrator would make one.
  const created = await s.app.inject({
    method: 'POST',
    url: '/api/admin/users',
    headers: authHeader(s.tokens.admin),
    payload: {
      username: 'hexi-admin',
      displayName: '河西镇管理员',
      password: DEMO_PASSWORD,
      homeOrgUnitId: 't-hexi',
      roles: [{ role: 'ADMIN', orgUnitId: 't-hexi' }],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  userIds.hexiAdmin = created.json().id;
  tokens.hexiAdmin = await issueToken(s.prisma, userIds.hexiAdmin, 'test');
});

afterAll(async () => {
  await s?.close();
});

const CELLS = Object.entries(EXPECTATIONS).flatMap(([key, e]) =>
  ACTORS.flatMap((actor) =>
    (e.scoped ? (['in', 'out'] as const) : (['in'] as const)).map((scope) => ({ key, actor, scope, outcome: expectedOutcome(e, actor, scope) })),
  ),
);

describe('authorization matrix', () => {
  it('declares an expectation for every state-changing route in the OpenAPI document', () => {
    const stateChanging = routes.filter((r) => STATE_CHANGING.has(r.method) && !PUBLIC_ROUTES.has(r.key)).map((r) => r.key);
    const declared = new Set(Object.keys(EXPECTATIONS).map(routeOf));
    const undeclared = stateChanging.filter((k) => !declared.has(k) && !TESTED_ELSEWHERE.has(k));
    expect(undeclared, 'add these routes to EXPECTATIONS in test/security/authorization-matrix.test.ts').toEqual([]);
    // And no stale entries: every declared route still exists.
    expect(Object.keys(EXPECTATIONS).filter((k) => !stateChanging.includes(routeOf(k)))).toEqual([]);
    expect([...TESTED_ELSEWHERE.keys()].filter((k) => !stateChanging.includes(k))).toEqual([]);
  });

  it.each(CELLS)('$key as $actor, target $scope of scope → $outcome', async ({ key, actor, scope, outcome }) => {
    const e = EXPECTATIONS[key]!;
    const [method, path] = routeOf(key).split(' ') as [TRoute['method'], string];
    const { params = {}, payload } = await e.prepare(actor, scope, outcome);
    // Nothing has changed since the background was last seen quiet (the previous cell was a refusal
    // and this cell's fixture was already there): it is still quiet, and waiting for it again would
    // only add half a second to each of the ~390 cells.
    const now = await snapshot(s.prisma);
    const before = lastQuiet && changedTables(lastQuiet, now).length === 0 ? now : await settledSnapshot();
    lastQuiet = null;
    const auditedUpTo = await lastAuditId();
    const res = await s.app.inject({ method, url: fillPath(path, params), headers: authHeader(tokens[actor]), payload: payload as object });
    const after = await snapshot(s.prisma);
    if (outcome === 'allowed') {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, res.body).toBeLessThan(300);
      expect(changedTables(before, after), 'an allowed call should have an effect').not.toEqual([]);
      // Polled: a proposal, a review opening or a task decision is written by a workflow activity,
      // which may commit just after the API answers.
      await expect
        .poll(() => auditActionsBy(userIds[actor], auditedUpTo), {
          timeout: 15_000,
          interval: 200,
          message: `${key} as ${actor} should leave a ${e.audit} audit event naming the caller`,
        })
        .toContain(e.audit);
      await e.restore?.(actor);
    } else {
      expect(res.statusCode, res.body).toBe(outcome === 'forbidden' ? 403 : 404);
      expect(errorCodeOf(res)).toBeTypeOf('string');
      expect(changedTables(before, after), 'a refusal must change nothing').toEqual([]);
      lastQuiet = after;
    }
  });
});

describe('authentication', () => {
  /** A request that would be valid if signed in: the in-scope administrator cell where declared. */
  async function validShapedRequest(route: TRoute) {
    const e = EXPECTATIONS[route.key];
    if (e) {
      const { params = {}, payload } = await e.prepare('admin', 'in', 'forbidden');
      return { url: fillPath(route.path, params), payload };
    }
    const params = Object.fromEntries(route.params.map((p) => [p, '00000000-0000-4000-8000-000000000000']));
    return { url: fillPath(route.path, params), payload: undefined };
  }

  it('answers 401 UNAUTHENTICATED on every non-public route without, or with a bad, credential, changing nothing', async () => {
    const guarded = routes.filter((r) => !PUBLIC_ROUTES.has(r.key));
    expect(guarded.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    // What the earlier tests' projects still do in the background is not these requests' doing.
    await settledSnapshot();
    const changed: string[] = [];
    for (const route of guarded) {
      const { url, payload } = await validShapedRequest(route);
      const attempt = async (before: Awaited<ReturnType<typeof snapshot>>) => {
        for (const headers of [{}, authHeader('bf_not-a-real-token'), { cookie: 'bangfu_session=forged.value' }]) {
          const res = await s.app.inject({ method: route.method, url, headers, payload: payload as object });
          if (res.statusCode !== 401 || errorCodeOf(res) !== 'UNAUTHENTICATED')
            wrong.push(`${route.key} ${JSON.stringify(headers)} → ${res.statusCode} ${errorCodeOf(res)}`);
        }
        return changedTables(before, await snapshot(s.prisma));
      };
      // A workflow timer of an earlier test (a reminder, a deadline) can fire during the loop and
      // write its audit event and notifications. A write the refused requests made would come back
      // when they are repeated after the background settles; a timer's would not.
      if ((await attempt(await snapshot(s.prisma))).length > 0) {
        const again = await attempt(await settledSnapshot());
        if (again.length > 0) changed.push(`${route.key}: ${again.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(changed, 'a refused request must change nothing').toEqual([]);
  });

  // Authentication precedes validation: an anonymous caller with a malformed body learns nothing
  // about the route's input rules.
  it('answers 401 before validating the input of an anonymous request', async () => {
    const withInput = routes.filter((r) => !PUBLIC_ROUTES.has(r.key) && (r.body || r.params.length > 0));
    const statuses = [];
    for (const route of withInput) {
      const params = Object.fromEntries(route.params.map((p) => [p, 'x']));
      const res = await s.app.inject({ method: route.method, url: fillPath(route.path, params), payload: route.body ? {} : undefined });
      statuses.push(`${route.key} → ${res.statusCode}`);
    }
    expect(statuses.filter((x) => !x.endsWith('401'))).toEqual([]);
  });
});
