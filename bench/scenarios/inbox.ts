/**
 * Scenario 3 of the issue, inbox at scale: 100,000 open tasks across a county's org tree (many
 * townships and villages, a few hundred projects), bulk-inserted with `INSERT ... SELECT
 * generate_series`; then the inbox of one township reviewer (demo user `township`, 河西镇) three
 * ways, interleaved run by run: the real route through `app.inject`, the route's query
 * (`queryInbox` of src/db/inbox-query.ts, one raw statement through Prisma), and the baseline — the
 * equivalent SQL on plain `pg`. A fourth side, the Prisma findMany + count the route sent until
 * 2026-11-28, runs in the same rotation so the change is measured side by side under the same load.
 * EXPLAIN (ANALYZE, FORMAT JSON) of the SQL Prisma sends and of the baseline SQL tells whether a
 * Task index is used.
 */
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../../src/generated/prisma/client';
import { actorForToken } from '../../src/auth/tokens';
import { queryInbox } from '../../src/db/inbox-query';
import type { TActor } from '../../src/domain/actor';
import type { TBenchSettings } from '../lib/settings';
import type { TStack } from '../lib/services';
import { now, ratio, summarize, type TLatency } from '../lib/stats';

export interface TPlanVerdict {
  query: string;
  sql: string;
  executionMs: number;
  planningMs: number;
  /** Scan nodes of the plan: type, relation, index. */
  scans: Array<{ node: string; relation?: string; index?: string }>;
  taskIndexesUsed: string[];
  usesTaskIndex: boolean;
  seqScanOnTask: boolean;
}

export interface TInboxResult {
  target: string;
  data: { tasks: number; openTasks: number; projects: number; townships: number; villages: number; reviewerVisible: number; insertSeconds: number };
  reviewer: { username: string; orgPath: string };
  runs: number;
  route: TLatency;
  prisma: TLatency;
  /** The findMany + count the route sent before src/db/inbox-query.ts, same runs. */
  previous: TLatency;
  baseline: TLatency;
  prismaP50Ratio: number;
  prismaP99Ratio: number;
  previousP50Ratio: number;
  previousP99Ratio: number;
  routeP50Ratio: number;
  routeP99Ratio: number;
  routeP99WithinTarget: boolean;
  prismaP99WithinTarget: boolean;
  explain: TPlanVerdict[];
  indexVerdict: string;
  prismaSql: string[];
}

const TARGET_P99_MS = 50;

async function bulkInsert(client: pg.Client, s: TBenchSettings, proposerId: string): Promise<void> {
  const extraTownships = Math.max(0, s.inboxTownships - 2);
  await client.query(
    `INSERT INTO "OrgUnit" (id, name, level, "parentId", path)
     SELECT 't-b' || lpad(g::text, 3, '0'), '基准乡镇' || g, 'TOWNSHIP', 'c-qingshan', '/c-qingshan/t-b' || lpad(g::text, 3, '0') || '/'
     FROM generate_series(1, $1::int) g`,
    [extraTownships],
  );
  // Villages under every township, the demo ones included.
  await client.query(
    `INSERT INTO "OrgUnit" (id, name, level, "parentId", path)
     SELECT t.id || '-v' || v, t.name || '基准' || v || '村', 'VILLAGE', t.id, t.path || t.id || '-v' || v || '/'
     FROM "OrgUnit" t, generate_series(1, $1::int) v
     WHERE t.level = 'TOWNSHIP'`,
    [s.villagesPerTownship],
  );
  await client.query(
    `WITH v AS (
       SELECT o.id, o.path, o."parentId" AS tid, row_number() OVER (ORDER BY o.id) - 1 AS rn, count(*) OVER () AS n
       FROM "OrgUnit" o WHERE o.level = 'VILLAGE' AND o.id LIKE '%-v%')
     INSERT INTO "Project" (id, "workflowId", name, industry, "orgUnitId", "countyId", "townshipId", "villageId", "orgPath",
                            "budgetFen", "proposerId", stage, proposal, "updatedAt")
     SELECT 'bench-p-' || g, 'project-bench-p-' || g, '基准项目 ' || g, (ARRAY['茶叶', '肉牛', '农产品加工'])[1 + g % 3],
            v.id, 'c-qingshan', v.tid, v.id, v.path, 1000000 + g, $2, 'TOWNSHIP_REVIEW', '{}'::jsonb, now()
     FROM generate_series(0, $1::int - 1) g JOIN v ON v.rn = g % v.n`,
    [s.inboxProjects, proposerId],
  );
  // 80% township reviews at the project's township, 10% resubmissions at its village, 10% county reviews.
  await client.query(
    `WITH p AS (
       SELECT id, "orgPath", "townshipId", "villageId", row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n
       FROM "Project" WHERE id LIKE 'bench-p-%'),
     tw AS (SELECT id, path FROM "OrgUnit" WHERE level = 'TOWNSHIP')
     INSERT INTO "Task" (id, "projectId", "workflowId", "stepKey", kind, title, "candidateRole", "candidateOrgUnitId",
                         "candidateOrgPath", "stepId", mode, status, "dueAt", "createdAt", "updatedAt")
     SELECT 'bench-t-' || g, p.id, 'project-' || p.id || ':step:bench:' || g, 'k' || g,
            CASE WHEN g % 10 < 8 THEN 'TOWNSHIP_REVIEW' WHEN g % 10 = 8 THEN 'PROJECT_REVISE' ELSE 'COUNTY_REVIEW' END,
            CASE WHEN g % 10 < 8 THEN '乡镇审核' WHEN g % 10 = 8 THEN '修改后重新提交' ELSE '县级审核' END,
            CASE WHEN g % 10 < 8 THEN 'TOWNSHIP_REVIEWER'::"Role" WHEN g % 10 = 8 THEN 'VILLAGE_COMMITTEE'::"Role" ELSE 'COUNTY_AGRICULTURE'::"Role" END,
            CASE WHEN g % 10 < 8 THEN p."townshipId" WHEN g % 10 = 8 THEN p."villageId" ELSE 'c-qingshan' END,
            CASE WHEN g % 10 < 8 THEN tw.path WHEN g % 10 = 8 THEN p."orgPath" ELSE '/c-qingshan/' END,
            'bench', 'SEQUENTIAL', 'PENDING',
            now() + make_interval(hours => (g % 720)), now() - make_interval(mins => (g % 10000)), now()
     FROM generate_series(1, $1::int) g JOIN p ON p.rn = g % p.n JOIN tw ON tw.id = p."townshipId"`,
    [s.inboxTasks],
  );
  // Fresh statistics and visibility map, as autovacuum would have them on a live database (since
  // PostgreSQL 13 inserts alone trigger it); without the visibility map no scan is index-only.
  await client.query('VACUUM ANALYZE "OrgUnit"');
  await client.query('VACUUM ANALYZE "Project"');
  await client.query('VACUUM ANALYZE "Task"');
}

/** The WHERE of the pending inbox, exactly as candidateWhere() in src/http/routes/tasks.ts built it before inbox-query.ts. */
function pendingWhere(actor: TActor): Prisma.TaskWhereInput {
  return {
    AND: [
      {
        status: 'PENDING',
        OR: [
          { candidateUserId: actor.userId },
          ...actor.roles.map((g) => ({ candidateUserId: null, candidateRole: g.role, candidateOrgPath: { startsWith: g.orgPath } })),
        ],
      },
    ],
  };
}

/** The route's former Prisma query (view=pending, page 1), kept as the before of the comparison. */
function previousInbox(prisma: PrismaClient, actor: TActor, pageSize: number) {
  const where = pendingWhere(actor);
  return Promise.all([
    prisma.task.findMany({
      where,
      orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }],
      skip: 0,
      take: pageSize,
      include: { project: { select: { name: true, stage: true, industry: true, budgetFen: true } } },
    }),
    prisma.task.count({ where }),
  ]);
}

/** The baseline: the same question in hand-written SQL (one grant, as the demo reviewer has). */
function baselineSql(actor: TActor, pageSize: number): { list: { text: string; values: unknown[] }; count: { text: string; values: unknown[] } } {
  const g = actor.roles[0];
  const where = `t.status = 'PENDING' AND (t."candidateUserId" = $1 OR (t."candidateUserId" IS NULL AND t."candidateRole" = $2::"Role" AND t."candidateOrgPath" LIKE $3))`;
  const values = [actor.userId, g.role, `${g.orgPath}%`];
  return {
    list: {
      text: `SELECT t.*, p.name AS "projectName", p.stage AS "projectStage", p.industry AS "projectIndustry", p."budgetFen" AS "projectBudgetFen"
             FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
             WHERE ${where} ORDER BY t."dueAt" ASC, t."createdAt" ASC LIMIT ${pageSize} OFFSET 0`,
      values,
    },
    count: { text: `SELECT count(*)::int AS n FROM "Task" t WHERE ${where}`, values },
  };
}

function collectScans(plan: any, out: TPlanVerdict['scans'] = []): TPlanVerdict['scans'] {
  const node = plan['Node Type'] as string;
  if (/Scan/.test(node)) out.push({ node, relation: plan['Relation Name'], index: plan['Index Name'] });
  for (const child of plan.Plans ?? []) collectScans(child, out);
  return out;
}

async function explain(client: pg.Client, query: string, sql: string, values: unknown[], taskIndexes: Set<string>): Promise<TPlanVerdict> {
  const res = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
  const doc = (res.rows[0]['QUERY PLAN'] as any[])[0];
  const scans = collectScans(doc.Plan);
  const used = [...new Set(scans.filter((s) => s.index && taskIndexes.has(s.index)).map((s) => s.index!))];
  return {
    query,
    sql: sql.replace(/\s+/g, ' ').trim(),
    executionMs: doc['Execution Time'],
    planningMs: doc['Planning Time'],
    scans,
    taskIndexesUsed: used,
    usesTaskIndex: used.length > 0,
    seqScanOnTask: scans.some((s) => s.node === 'Seq Scan' && s.relation === 'Task'),
  };
}

export async function runInbox(stack: TStack, settings: TBenchSettings, log: (line: string) => void): Promise<TInboxResult> {
  const client = new pg.Client({ connectionString: stack.db.url });
  await client.connect();
  try {
    const t0 = now();
    await bulkInsert(client, settings, stack.userIds.village);
    const insertSeconds = (now() - t0) / 1000;
    const counts = (
      await client.query(`SELECT
        (SELECT count(*)::int FROM "Task") AS tasks,
        (SELECT count(*)::int FROM "Task" WHERE status = 'PENDING') AS open,
        (SELECT count(*)::int FROM "Project") AS projects,
        (SELECT count(*)::int FROM "OrgUnit" WHERE level = 'TOWNSHIP') AS townships,
        (SELECT count(*)::int FROM "OrgUnit" WHERE level = 'VILLAGE') AS villages`)
    ).rows[0];
    log(
      `  inserted ${settings.inboxTasks} open tasks over ${counts.projects} projects, ${counts.townships} townships, ${counts.villages} villages in ${insertSeconds.toFixed(1)} s`,
    );

    const actor = await actorForToken(stack.appPrisma, stack.tokens.township);
    if (!actor) throw new Error('the township token does not resolve');
    const grant = actor.roles[0];

    // A Prisma client like the app's, with query events so the exact SQL can be EXPLAINed.
    const prismaSql: Array<{ query: string; params: string }> = [];
    let capture = false;
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: stack.db.url, max: 10 }), log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', (e) => {
      if (capture) prismaSql.push({ query: e.query, params: e.params });
    });
    const pool = new pg.Pool({ connectionString: stack.db.url, max: 10 });
    const pageSize = settings.inboxPageSize;
    const base = baselineSql(actor, pageSize);

    const viaRoute = async () => {
      const res = await stack.app.inject({
        method: 'GET',
        url: `/api/tasks?view=pending&pageSize=${pageSize}`,
        headers: { authorization: `Bearer ${stack.tokens.township}` },
      });
      if (res.statusCode !== 200) throw new Error(`GET /api/tasks answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      return res.json().total as number;
    };
    const viaPrisma = async () => (await queryInbox({ prisma, actor, filter: { view: 'pending', page: 1, pageSize, now: new Date() } })).total;
    const viaPrevious = async () => (await previousInbox(prisma, actor, pageSize))[1];
    const viaPg = async () => {
      const [, c] = await Promise.all([pool.query(base.list.text, base.list.values), pool.query(base.count.text, base.count.values)]);
      return c.rows[0].n as number;
    };

    // All three must agree before anything is timed.
    capture = true;
    const [a, b, c] = [await viaRoute(), await viaPrisma(), await viaPg()];
    capture = false;
    const d = await viaPrevious();
    if (a !== b || b !== c || c !== d) throw new Error(`inbox totals disagree: route ${a}, query ${b}, pg ${c}, previous ${d}`);
    log(`  reviewer ${grant.orgPath} sees ${a} of ${counts.open} open tasks`);

    for (let i = 0; i < settings.inboxWarmup; i++) {
      await viaRoute();
      await viaPrisma();
      await viaPrevious();
      await viaPg();
    }
    const samples = { route: [] as number[], prisma: [] as number[], previous: [] as number[], pg: [] as number[] };
    const sides: Array<[keyof typeof samples, () => Promise<number>]> = [
      ['route', viaRoute],
      ['prisma', viaPrisma],
      ['previous', viaPrevious],
      ['pg', viaPg],
    ];
    for (let i = 0; i < settings.inboxRuns; i++) {
      // Rotate the order so no side always runs on the warmest cache.
      for (let k = 0; k < sides.length; k++) {
        const [name, fn] = sides[(i + k) % sides.length];
        const s = now();
        await fn();
        samples[name].push(now() - s);
      }
    }
    const route = summarize(samples.route);
    const prismaS = summarize(samples.prisma);
    const previous = summarize(samples.previous);
    const baseline = summarize(samples.pg);

    // EXPLAIN the SQL Prisma actually sent (parameters bound as Prisma bound them) and the baseline.
    const taskIndexes = new Set<string>((await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'Task'`)).rows.map((r) => r.indexname));
    const explains: TPlanVerdict[] = [];
    const prismaTaskQueries = prismaSql.filter((q) => /FROM "(public"\.")?Task"/.test(q.query) || /"Task"/.test(q.query));
    for (const [i, q] of prismaTaskQueries.entries()) {
      let params: unknown[] = [];
      try {
        params = JSON.parse(q.params);
      } catch {
        params = [];
      }
      const label = /UNION ALL|WITH m AS/.test(q.query)
        ? 'route query (inbox-query.ts)'
        : /count\(/i.test(q.query)
          ? 'prisma count'
          : /"Project"/.test(q.query) && !/"Task"\./.test(q.query)
            ? 'prisma project include'
            : `prisma query ${i + 1}`;
      try {
        explains.push(await explain(client, label, q.query, params, taskIndexes));
      } catch (err) {
        log(`  (could not EXPLAIN ${label}: ${(err as Error).message})`);
      }
    }
    explains.push(await explain(client, 'baseline list', base.list.text, base.list.values, taskIndexes));
    explains.push(await explain(client, 'baseline count', base.count.text, base.count.values, taskIndexes));
    const taskPlans = explains.filter((e) => e.scans.some((s) => s.relation === 'Task' || (s.index && taskIndexes.has(s.index))));
    const allIndexed = taskPlans.length > 0 && taskPlans.every((e) => e.usesTaskIndex && !e.seqScanOnTask);
    const indexVerdict = allIndexed
      ? `index used: every query on "Task" scans an index (${[...new Set(taskPlans.flatMap((e) => e.taskIndexesUsed))].join(', ')}), no sequential scan of Task`
      : `NOT fully indexed: ${taskPlans
          .filter((e) => !e.usesTaskIndex || e.seqScanOnTask)
          .map((e) => `${e.query} (${e.scans.map((s) => `${s.node}${s.relation ? ` on ${s.relation}` : ''}${s.index ? ` using ${s.index}` : ''}`).join('; ')})`)
          .join(' | ')}`;
    log(
      `  route p50 ${route.p50} / p99 ${route.p99} ms · query p50 ${prismaS.p50} / p99 ${prismaS.p99} ms · previous findMany+count p50 ${previous.p50} / p99 ${previous.p99} ms · pg p50 ${baseline.p50} / p99 ${baseline.p99} ms`,
    );
    log(`  EXPLAIN: ${indexVerdict}`);

    await prisma.$disconnect();
    await pool.end();
    return {
      target: `p99 < ${TARGET_P99_MS} ms; EXPLAIN shows a Task index`,
      data: {
        tasks: counts.tasks,
        openTasks: counts.open,
        projects: counts.projects,
        townships: counts.townships,
        villages: counts.villages,
        reviewerVisible: a,
        insertSeconds: Math.round(insertSeconds * 10) / 10,
      },
      reviewer: { username: 'township', orgPath: grant.orgPath },
      runs: settings.inboxRuns,
      route,
      prisma: prismaS,
      previous,
      baseline,
      prismaP50Ratio: ratio(prismaS.p50, baseline.p50),
      prismaP99Ratio: ratio(prismaS.p99, baseline.p99),
      previousP50Ratio: ratio(previous.p50, baseline.p50),
      previousP99Ratio: ratio(previous.p99, baseline.p99),
      routeP50Ratio: ratio(route.p50, baseline.p50),
      routeP99Ratio: ratio(route.p99, baseline.p99),
      routeP99WithinTarget: route.p99 < TARGET_P99_MS,
      prismaP99WithinTarget: prismaS.p99 < TARGET_P99_MS,
      explain: explains,
      indexVerdict,
      prismaSql: prismaTaskQueries.map((q) => q.query.replace(/\s+/g, ' ').trim()),
    };
  } finally {
    await client.end();
  }
}
