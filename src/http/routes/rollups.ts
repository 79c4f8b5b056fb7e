import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { covers } from '../../domain/actor';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant } from '../openapi';
import { addFigures, emptyFigures, figuresJson, figuresPerLeaf, groupOf, PAID_SOURCES, reviewOutcomes, rollupScope, type TUnit } from '../rollup-figures';
import { assetLedgerSheet, fundsBySourceSheet } from '../rollup-ledgers';
import { ZFenSum } from '../schemas/money';
import { EXPORT_FORMATS, exportResponse, sendLedgerSheet } from '../xlsx-workbook';
import { ZGradeCounts } from './dashboard';

/**
 * GET /api/rollups: the roll-up (汇总) of a province, city, county or township inside my scope,
 * grouped by the level below it, each row carrying its unit id to drill down with. The 上报 exports
 * of the same figures are in routes/rollup-exports.ts.
 */
export const ZRollupQuery = z.object({
  orgUnitId: z.string().trim().min(1).max(64).describe('the province, city, county or township to roll up (inside my scope)'),
  year: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2100)
    .optional()
    .describe(
      'projects proposed, funds allocated (fiscal year), payments paid and review cases opened in this year (Asia/Shanghai); grades are per year whatever it says',
    ),
});

const ZUnitRef = z.object({ id: z.string(), name: z.string(), level: z.string(), path: z.string() });
const ZFigures = z.object({
  projectCount: z.number().int(),
  budgetFen: ZFenSum,
  byStage: z.array(z.object({ stage: z.string(), count: z.number().int(), budgetFen: ZFenSum })),
  allocatedFen: ZFenSum.describe('sum of FundAllocation.amountFen (资金下达)'),
  allocationCount: z.number().int(),
  disbursedFen: ZFenSum.describe('sum of PAID payments'),
  paymentCount: z.number().int(),
  disbursedBySource: z
    .array(z.object({ source: z.enum(PAID_SOURCES), disbursedFen: ZFenSum, count: z.number().int() }))
    .describe('paid payments by the fiscal source that paid them; UNKNOWN: paid before payments recorded their source'),
  gradesByYear: z.array(z.object({ year: z.number().int(), counts: ZGradeCounts, total: z.number().int() })),
  openRiskFlags: z.number().int(),
  overdueTasks: z.number().int(),
  reviews: z
    .object({ total: z.number().int(), byOutcome: z.array(z.object({ outcome: z.string(), count: z.number().int() })) })
    .nullable()
    .describe('容错纠错 review cases by outcome (PENDING: not decided yet); null for a township or village row: a case names its county only'),
});
const ZRollupRow = ZUnitRef.extend({ figures: ZFigures });
const ZRollup = z.object({
  unit: ZUnitRef,
  /** The units above it that I may also roll up, top first (the breadcrumb). */
  trail: z.array(ZUnitRef),
  year: z.number().int().nullable(),
  groups: z
    .array(ZRollupRow)
    .describe('one row per unit directly below (cities of a province, counties of a city, townships of a county, villages of a township)'),
  counties: z.array(ZRollupRow).describe('one row per county of a province or city (for a city the same rows as groups); empty below a city'),
  total: ZFigures,
  asOf: ZInstant,
});
const ZRollupUnits = z.object({
  items: z.array(ZUnitRef).describe('the units of my grants at township level or above: where a roll-up may start'),
  aboveCounty: z.boolean().describe('a grant at a city or province, or a monitor or administrator: the web app shows the roll-up in its menu'),
});

const ZLang = z.enum(['zh', 'en']).default('zh').describe('the language of the headers and the names of codes: zh (default) or en');
const ZFundsExportQuery = ZRollupQuery.extend({
  year: z.coerce.number().int().min(2000).max(2100).describe('the fiscal year of the allocations; payments paid in this year (Asia/Shanghai)'),
  lang: ZLang,
});
const ZAssetExportQuery = ZRollupQuery.extend({ lang: ZLang }).describe('year: assets registered in this year (Asia/Shanghai); all years without it');

const ref = (u: TUnit) => ({ id: u.id, name: u.name, level: u.level, path: u.path });
const ROLLUP_LEVELS = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'] as const;

export async function rollupRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/rollups',
    {
      schema: {
        tags: ['dashboard'],
        summary:
          'Roll-up (汇总) of a province, city, county or township: projects by stage, funds allocated and disbursed by source, grades, risk flags, overdue tasks and review outcomes per unit below it',
        querystring: ZRollupQuery,
        response: { 200: ZRollup },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const scope = await rollupScope({ prisma, actor, orgUnitId: req.query.orgUnitId });
      const now = new Date();
      const perLeaf = await figuresPerLeaf({ prisma, scope, year: req.query.year, now });
      const withReviews = scope.leafColumn === 'countyId';
      const total = emptyFigures(true);
      for (const f of perLeaf.values()) addFigures(total, f);
      // A county's cases are counted for the whole county: a case names no township.
      if (scope.unit.level === 'COUNTY')
        total.reviews = (await reviewOutcomes({ prisma, countyIds: [scope.unit.id], year: req.query.year })).get(scope.unit.id) ?? new Map();
      if (scope.unit.level === 'TOWNSHIP') total.reviews = null;
      const groupFigures = new Map(scope.children.map((c) => [c.id, emptyFigures(withReviews)]));
      for (const leaf of scope.leaves) {
        const group = groupOf(scope.children, leaf);
        if (group) addFigures(groupFigures.get(group.id)!, perLeaf.get(leaf.id)!);
      }
      const trailUnits = await prisma.orgUnit.findMany({
        where: { id: { in: scope.unit.path.split('/').filter((id) => id && id !== scope.unit.id) } },
        select: { id: true, name: true, level: true, path: true },
        orderBy: { path: 'asc' },
      });
      return {
        unit: ref(scope.unit),
        trail: trailUnits.filter((u) => actor.roles.some((g) => covers(g, u.path))),
        year: req.query.year ?? null,
        groups: scope.children.map((c) => ({ ...ref(c), figures: figuresJson(groupFigures.get(c.id)!) })),
        counties: scope.leafColumn === 'countyId' ? scope.leaves.map((c) => ({ ...ref(c), figures: figuresJson(perLeaf.get(c.id)!) })) : [],
        total: figuresJson(total),
        asOf: now,
      };
    },
  );

  r.get(
    '/api/rollups/units',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Where my roll-ups may start: the units of my grants at township level or above',
        response: { 200: ZRollupUnits },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const units = await prisma.orgUnit.findMany({
        where: { id: { in: actor.roles.map((g) => g.orgUnitId) }, level: { in: [...ROLLUP_LEVELS] } },
        select: { id: true, name: true, level: true, path: true },
        orderBy: { path: 'asc' },
      });
      const aboveCounty =
        units.some((u) => u.level === 'PROVINCE' || u.level === 'CITY') || actor.roles.some((g) => g.role === 'MONITOR' || g.role === 'ADMIN');
      return { items: units, aboveCounty };
    },
  );

  const exportSchema = (summary: string, querystring: typeof ZFundsExportQuery | typeof ZAssetExportQuery, format: keyof typeof EXPORT_FORMATS) => ({
    tags: ['dashboard'],
    summary,
    querystring,
    response: exportResponse(format),
  });
  for (const format of ['csv', 'xlsx'] as const) {
    r.get(
      `/api/rollups/funds-by-source.${format}`,
      {
        schema: exportSchema(
          '上报: funds allocated and disbursed by fiscal source, per county of a county, city or province, for a year',
          ZFundsExportQuery,
          format,
        ),
      },
      async (req, reply) => {
        const { orgUnitId, year, lang } = req.query as z.infer<typeof ZFundsExportQuery>;
        const sheet = await fundsBySourceSheet({ prisma, actor: requireActor(req), orgUnitId, year, lang });
        return sendLedgerSheet(reply, { sheet, format, lang, file: `funds-by-source-${orgUnitId}-${year}` });
      },
    );
    r.get(
      `/api/rollups/asset-ledger.${format}`,
      { schema: exportSchema('上报: the asset ledger (资产台账) of the projects of a township, county, city or province', ZAssetExportQuery, format) },
      async (req, reply) => {
        const { orgUnitId, year, lang } = req.query as z.infer<typeof ZAssetExportQuery>;
        const sheet = await assetLedgerSheet({ prisma, actor: requireActor(req), orgUnitId, year, lang });
        return sendLedgerSheet(reply, { sheet, format, lang, file: `asset-ledger-${orgUnitId}` });
      },
    );
  }
}
