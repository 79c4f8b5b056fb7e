import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAuditEvent } from '../../audit/write-audit-event';
import type { TActor } from '../../domain/actor';
import { covers } from '../../domain/actor';
import { numberedRows } from '../../domain/ledger-table';
import { AppError, refusalToAppError } from '../../domain/errors';
import {
  HOUSEHOLD_FLAG_LABELS_ZH,
  HOUSEHOLD_FLAGS,
  HOUSEHOLD_IMPORT_ROLES,
  householdCodesOf,
  LINKAGE_ENTRY_ROLES,
  LINKAGE_KINDS,
  linkageEntryRefusal,
  linkageTotals,
  maskedIdCard,
  validateMonitoringList,
  type THouseholdContent,
  type THouseholdMember,
  type TLinkageKind,
  type TMonitoringSpell,
} from '../../domain/households/household-register';
import { fenTotal } from '../../domain/policies/money';
import { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { importVillages, LEDGER_BODY_LIMIT, ledgerTable, rowsInvalid, ZLedgerFileBody } from '../ledger-import';
import { ZInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';
import { ZFenSum } from '../schemas/money';
import { exportResponse, ledgerSheet, sendLedgerSheet, shanghaiWallClock } from '../xlsx-workbook';

/**
 * The household register (农户台账) and its 联农带农 ledger (issue #15): import of the county's
 * 防返贫监测 list, the list and page of households, a household's yearly income entries, and the
 * ledger's export. The rules (roles, columns, codes, years) are in src/domain/households.
 */

/** More households than a province's 防返贫监测 list holds for one unit; past it the export must be narrowed. */
const MAX_EXPORT_HOUSEHOLDS = 300_000;

const ZImportAnswer = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  dryRun: z.boolean(),
  rows: z.array(
    z.object({
      row: z.number().int(),
      householdCode: z.string(),
      outcome: z.enum(['created', 'updated', 'unchanged']),
      householdId: z.string().nullable().describe('null for a created row of a dry run'),
      changed: z.array(z.string()).describe('the fields an updated row changed'),
    }),
  ),
});

const ZKindTotals = z.object(Object.fromEntries(LINKAGE_KINDS.map((k) => [k, ZFenSum])) as Record<TLinkageKind, typeof ZFenSum>);
const ZSpell = z.object({ type: z.string(), start: z.string(), end: z.string().nullable() });
const ZHouseholdRow = z.object({
  id: z.string(),
  householdCode: z.string(),
  headName: z.string(),
  orgUnitId: z.string(),
  countyId: z.string(),
  memberCount: z.number().int(),
  lifted: z.boolean(),
  monitored: z.boolean(),
  spells: z.array(ZSpell),
  totals: ZKindTotals.describe('the household’s entries (of the year asked, else all years) per kind, exact fen'),
});
export const ZHouseholdListQuery = ZPageQuery.extend({
  orgUnitId: z.string().trim().min(1).max(64).optional().describe('a village (or a township or county: its subtree); inside my scope'),
  flag: z.enum(HOUSEHOLD_FLAGS).optional().describe('LIFTED 脱贫户 or MONITORED 监测户 (monitored now)'),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('the totals of this year only'),
});
const ZHouseholdList = ZPage(ZHouseholdRow).extend({
  totals: ZKindTotals.extend({ all: ZFenSum }).describe('over the entries of every matching household (all pages), exact fen'),
});
const ZEntry = z.object({
  id: z.string(),
  year: z.number().int(),
  kind: z.string(),
  amountFen: z.number().int(),
  projectId: z.string().nullable(),
  assetId: z.string().nullable(),
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: ZInstant,
});
const ZHouseholdDetail = ZHouseholdRow.extend({
  members: z.array(z.object({ name: z.string(), relation: z.string(), idCard: z.string().nullable().describe('masked: only the last 4 characters are kept') })),
  years: z.array(z.object({ year: z.number().int(), totals: ZKindTotals, entries: z.array(ZEntry) })).describe('newest year first'),
});
export const ZLinkageEntryBody = z.object({
  requestId: z.string().trim().min(8).max(100).describe('the client’s key: the same requestId and content answers the entry already recorded'),
  year: z.number().describe(`a whole year from 2016 to the current year`),
  kind: z.enum(LINKAGE_KINDS).describe('WAGES 务工, LAND_RENT 土地流转租金, DIVIDEND 分红, PURCHASE_CONTRACT 订单收购'),
  amountFen: z.number().describe('integer fen, more than 0'),
  projectId: z.string().trim().min(1).max(64).optional().describe('the project that paid or brought the income, in the household’s county'),
  assetId: z.string().trim().min(1).max(64).optional().describe('the asset that earned it (a dividend, a rent), in the household’s county'),
  note: z.string().trim().max(500).optional(),
});
const ZExportQuery = z.object({
  orgUnitId: z.string().trim().min(1).max(64).describe('a village, township or county inside my scope'),
  year: z.coerce.number().int().min(2000).max(2100),
  lang: z.enum(['zh', 'en']).default('zh'),
});

type THouseholdRecord = Prisma.HouseholdGetPayload<object>;
const asContent = (h: THouseholdRecord): THouseholdContent & { id: string } => ({
  id: h.id,
  householdCode: h.householdCode,
  headName: h.headName,
  orgUnitId: h.orgUnitId,
  orgPath: h.orgPath,
  countyId: h.countyId,
  memberCount: h.memberCount,
  lifted: h.lifted,
  monitored: h.monitored,
  spells: h.spells as unknown as TMonitoringSpell[],
  members: h.members as unknown as THouseholdMember[],
});
const totalsJson = (t: Record<TLinkageKind, bigint>) => Object.fromEntries(LINKAGE_KINDS.map((k) => [k, fenTotal(t[k])])) as Record<TLinkageKind, string>;
const householdOut = (h: THouseholdRecord, totals: Record<TLinkageKind, bigint>) => ({
  id: h.id,
  householdCode: h.householdCode,
  headName: h.headName,
  orgUnitId: h.orgUnitId,
  countyId: h.countyId,
  memberCount: h.memberCount,
  lifted: h.lifted,
  monitored: h.monitored,
  spells: h.spells as unknown as TMonitoringSpell[],
  totals: totalsJson(totals),
});

/** Households inside the caller's org units (null: none). */
function householdScope(actor: TActor): Prisma.HouseholdWhereInput | null {
  if (actor.roles.length === 0) return null;
  return { OR: actor.roles.map((g) => ({ orgPath: { startsWith: g.orgPath } })) };
}

/** A unit named in a query, known and inside the caller's scope. */
async function unitInScope(prisma: TAppDeps['prisma'], actor: TActor, orgUnitId: string) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: orgUnitId }, select: { id: true, name: true, path: true } });
  if (!unit) throw new AppError('NOT_FOUND', `unknown org unit ${orgUnitId}`, [{ path: 'querystring.orgUnitId', message: 'unknown org unit' }]);
  if (!actor.roles.some((g) => covers(g, unit.path)))
    throw new AppError('OUT_OF_SCOPE', `org unit ${orgUnitId} is outside your scope`, [{ path: 'querystring.orgUnitId', message: 'outside your scope' }]);
  return unit;
}

/** The four kinds' totals per household id, over the entries that match. */
async function totalsByHousehold(prisma: TAppDeps['prisma'], where: Prisma.LinkageEntryWhereInput) {
  const groups = await prisma.linkageEntry.groupBy({ by: ['householdId', 'kind'], where, _sum: { amountFen: true } });
  const out = new Map<string, Record<TLinkageKind, bigint>>();
  for (const g of groups) {
    const t = out.get(g.householdId) ?? linkageTotals([]);
    t[g.kind as TLinkageKind] += BigInt(g._sum.amountFen ?? 0n);
    out.set(g.householdId, t);
  }
  return out;
}

export async function householdRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/households/imports',
    {
      bodyLimit: LEDGER_BODY_LIMIT,
      schema: {
        tags: ['households'],
        summary: 'Import the county’s 防返贫监测 list into the household register (ADMIN or COUNTY_AGRICULTURE; CSV or XLSX, base64)',
        description:
          'Columns (header row, any order): 户编号, 户主姓名, 所属村, 家庭人口, 是否脱贫户, 是否监测户, 监测类型, 纳入监测日期, 解除监测日期, 家庭成员 (姓名/关系/身份证号; …). ' +
          'ID-card numbers are cut to their last 4 characters before anything is stored. All or nothing: any bad row answers 422 LEDGER_ROWS_INVALID ' +
          'with one detail per problem (row, column, code) and writes nothing. A 户编号 already registered in its county is `unchanged` with the same content, ' +
          'else `updated` (the list is re-exported monthly), each update one HOUSEHOLD_UPDATED audit event with the fields before and after.',
        body: ZLedgerFileBody,
        response: { 200: ZImportAnswer, 201: ZImportAnswer },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const villages = await importVillages(prisma, actor, HOUSEHOLD_IMPORT_ROLES, 'importing the 防返贫监测 list');
      const table = numberedRows(await ledgerTable(req.body.format, Buffer.from(req.body.content, 'base64')));
      const codes = householdCodesOf(table);
      const countyIds = [...new Set(villages.map((v) => v.countyId))];
      const stored = codes.length === 0 ? [] : await prisma.household.findMany({ where: { householdCode: { in: codes }, countyId: { in: countyIds } } });
      const checked = validateMonitoringList({ table, villages, stored: stored.map(asContent) });
      if (!checked.ok) throw rowsInvalid(checked.errors, 'list');
      const ids = new Map(checked.rows.map((p) => [p.row, p.outcome === 'created' ? `hh-${crypto.randomUUID()}` : p.householdId]));
      const writes = checked.rows.filter((p) => p.outcome !== 'unchanged');
      if (!req.body.dryRun && writes.length > 0) {
        const at = new Date();
        const storedById = new Map(stored.map((h) => [h.id, h]));
        const grantOf = (orgPath: string) => actor.roles.find((g) => (HOUSEHOLD_IMPORT_ROLES as readonly string[]).includes(g.role) && covers(g, orgPath));
        try {
          await prisma.$transaction(
            async (tx) => {
              for (const plan of writes) {
                const h = plan.household;
                const id = ids.get(plan.row)!;
                const grant = grantOf(h.orgPath);
                const who = { at, actorId: actor.userId, role: grant?.role ?? null, orgUnitId: grant?.orgUnitId ?? null };
                const data = {
                  headName: h.headName,
                  orgUnitId: h.orgUnitId,
                  orgPath: h.orgPath,
                  memberCount: h.memberCount,
                  lifted: h.lifted,
                  monitored: h.monitored,
                  spells: h.spells as unknown as Prisma.InputJsonValue,
                  members: h.members as unknown as Prisma.InputJsonValue,
                  updatedAt: at,
                };
                if (plan.outcome === 'created') {
                  await tx.household.create({
                    data: { id, householdCode: h.householdCode, countyId: h.countyId, createdBy: actor.userId, createdAt: at, ...data },
                  });
                  await writeAuditEvent(
                    tx,
                    {
                      eventKey: `household-imported:${h.countyId}:${h.householdCode}`,
                      entityType: 'Household',
                      entityId: id,
                      action: 'HOUSEHOLD_IMPORTED',
                      details: { householdId: id, householdCode: h.householdCode, orgUnitId: h.orgUnitId, lifted: h.lifted, monitored: h.monitored },
                      ...who,
                    },
                    { ifNew: false },
                  );
                  continue;
                }
                if (plan.outcome !== 'updated') continue;
                const before = storedById.get(id)!;
                // Only if nobody changed it since it was read: the audit row's key names the version replaced.
                const done = await tx.household.updateMany({ where: { id, updatedAt: before.updatedAt }, data });
                if (done.count !== 1)
                  throw new AppError('CONFLICT', 'another import changed these households meanwhile: nothing of this one was written; send it again');
                const old = asContent(before) as unknown as Record<string, unknown>;
                const now = h as unknown as Record<string, unknown>;
                await writeAuditEvent(
                  tx,
                  {
                    eventKey: `household-updated:${id}:${before.updatedAt.toISOString()}`,
                    entityType: 'Household',
                    entityId: id,
                    action: 'HOUSEHOLD_UPDATED',
                    details: {
                      householdId: id,
                      householdCode: h.householdCode,
                      changed: plan.changed,
                      before: Object.fromEntries(plan.changed.map((k) => [k, old[k]])),
                      after: Object.fromEntries(plan.changed.map((k) => [k, now[k]])),
                    },
                    ...who,
                  },
                  { ifNew: false },
                );
              }
            },
            { timeout: 120_000 },
          );
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
            throw new AppError('CONFLICT', 'another import wrote some of these 户编号 meanwhile: nothing of this one was written; send it again');
          throw err;
        }
      }
      const rows = checked.rows.map((p) => ({
        row: p.row,
        householdCode: p.household.householdCode,
        outcome: p.outcome,
        householdId: p.outcome === 'created' && req.body.dryRun ? null : ids.get(p.row)!,
        changed: p.outcome === 'updated' ? p.changed : [],
      }));
      const count = (o: string) => rows.filter((x) => x.outcome === o).length;
      return reply
        .code(writes.length > 0 && !req.body.dryRun ? 201 : 200)
        .send({ created: count('created'), updated: count('updated'), unchanged: count('unchanged'), dryRun: req.body.dryRun, rows });
    },
  );

  r.get(
    '/api/households',
    {
      schema: {
        tags: ['households'],
        summary: 'The household register (农户台账) in the caller’s org units, filtered and paged, with the 联农带农 totals per kind',
        querystring: ZHouseholdListQuery,
        response: { 200: ZHouseholdList },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const q = req.query;
      const scope = householdScope(actor);
      const zero = { ...totalsJson(linkageTotals([])), all: '0' };
      if (!scope) return { items: [], total: 0, page: q.page, pageSize: q.pageSize, totals: zero };
      const and: Prisma.HouseholdWhereInput[] = [scope];
      if (q.orgUnitId) and.push({ orgPath: { startsWith: (await unitInScope(prisma, actor, q.orgUnitId)).path } });
      if (q.flag === 'LIFTED') and.push({ lifted: true });
      if (q.flag === 'MONITORED') and.push({ monitored: true });
      const where: Prisma.HouseholdWhereInput = { AND: and };
      const entryWhere: Prisma.LinkageEntryWhereInput = { household: where, ...(q.year ? { year: q.year } : {}) };
      const [items, total, groups] = await Promise.all([
        prisma.household.findMany({ where, orderBy: [{ orgPath: 'asc' }, { householdCode: 'asc' }], ...pageArgs(q) }),
        prisma.household.count({ where }),
        prisma.linkageEntry.groupBy({ by: ['kind'], where: entryWhere, _sum: { amountFen: true } }),
      ]);
      const perHousehold = await totalsByHousehold(prisma, { ...entryWhere, householdId: { in: items.map((h) => h.id) } });
      const totals = linkageTotals(groups.map((g) => ({ kind: g.kind, amountFen: g._sum.amountFen ?? 0n })));
      return {
        items: items.map((h) => householdOut(h, perHousehold.get(h.id) ?? linkageTotals([]))),
        total,
        page: q.page,
        pageSize: q.pageSize,
        totals: { ...totalsJson(totals), all: fenTotal(LINKAGE_KINDS.reduce((n, k) => n + totals[k], 0n)) },
      };
    },
  );

  for (const format of ['csv', 'xlsx'] as const) {
    r.get(
      `/api/households/linkage-ledger.${format}`,
      {
        schema: {
          tags: ['households'],
          summary: '联农带农台账: a row per household of a village, township or county, with the year’s four kinds in yuan (exact)',
          querystring: ZExportQuery,
          response: exportResponse(format),
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const { orgUnitId, year, lang } = req.query as z.infer<typeof ZExportQuery>;
        const unit = await unitInScope(prisma, actor, orgUnitId);
        const where: Prisma.HouseholdWhereInput = { AND: [householdScope(actor)!, { orgPath: { startsWith: unit.path } }] };
        const households = await prisma.household.findMany({
          where,
          orderBy: [{ orgPath: 'asc' }, { householdCode: 'asc' }],
          take: MAX_EXPORT_HOUSEHOLDS + 1,
          select: { id: true, householdCode: true, headName: true, orgUnitId: true, lifted: true, monitored: true },
        });
        if (households.length > MAX_EXPORT_HOUSEHOLDS)
          throw new AppError('VALIDATION_FAILED', `more than ${MAX_EXPORT_HOUSEHOLDS} households match: ask for a smaller unit`, [
            { path: 'querystring.orgUnitId', message: 'too many rows' },
          ]);
        const totals = await totalsByHousehold(prisma, { year, household: where });
        const names = new Map(
          (await prisma.orgUnit.findMany({ where: { id: { in: [...new Set(households.map((h) => h.orgUnitId))] } }, select: { id: true, name: true } })).map(
            (u) => [u.id, u.name],
          ),
        );
        const flagNames = { zh: HOUSEHOLD_FLAG_LABELS_ZH, en: { LIFTED: 'lifted', MONITORED: 'monitored' } }[lang];
        type TRow = (typeof households)[number] & { totals: Record<TLinkageKind, bigint> };
        const kindHeader = {
          WAGES: { zh: '务工(元)', en: 'Wages (yuan)' },
          LAND_RENT: { zh: '土地流转租金(元)', en: 'Land rent (yuan)' },
          DIVIDEND: { zh: '分红(元)', en: 'Dividends (yuan)' },
          PURCHASE_CONTRACT: { zh: '订单收购(元)', en: 'Purchase contracts (yuan)' },
        } satisfies Record<TLinkageKind, { zh: string; en: string }>;
        const sheet = ledgerSheet<TRow>({
          name: { zh: `联农带农台账${year}`, en: `Linkage ledger ${year}` },
          rows: households.map((h) => ({ ...h, totals: totals.get(h.id) ?? linkageTotals([]) })),
          columns: [
            { header: { zh: '村', en: 'Village' }, kind: 'text', width: 14, value: (h) => names.get(h.orgUnitId) ?? h.orgUnitId },
            { header: { zh: '户编号', en: 'Household code' }, kind: 'text', width: 22, value: (h) => h.householdCode },
            { header: { zh: '户主', en: 'Head of household' }, kind: 'text', width: 10, value: (h) => h.headName },
            {
              header: { zh: '户类别', en: 'Flags' },
              kind: 'text',
              width: 14,
              value: (h) => [h.lifted ? flagNames.LIFTED : null, h.monitored ? flagNames.MONITORED : null].filter(Boolean).join(lang === 'zh' ? '、' : ', '),
            },
            ...LINKAGE_KINDS.map((k) => ({ header: kindHeader[k], kind: 'yuan' as const, width: 16, value: (h: TRow) => h.totals[k] })),
          ],
        });
        return sendLedgerSheet(reply, { sheet, format, lang, file: `linkage-ledger-${orgUnitId}-${year}` });
      },
    );
  }

  r.get(
    '/api/households/:id',
    {
      schema: {
        tags: ['households'],
        summary: 'One household: members (ID cards masked), monitoring spells, and its 联农带农 entries by year with totals',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: ZHouseholdDetail },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const h = await prisma.household.findUnique({
        where: { id: req.params.id },
        include: { entries: { orderBy: [{ year: 'desc' }, { recordedAt: 'asc' }, { id: 'asc' }] } },
      });
      if (!h || !actor.roles.some((g) => covers(g, h.orgPath)))
        throw new AppError('NOT_FOUND', `no household ${req.params.id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
      const years = [...new Set(h.entries.map((e) => e.year))].map((year) => {
        const entries = h.entries.filter((e) => e.year === year);
        return { year, totals: totalsJson(linkageTotals(entries)), entries: entries.map((e) => ({ ...e, amountFen: Number(e.amountFen) })) };
      });
      return {
        ...householdOut(h, linkageTotals(h.entries)),
        members: (h.members as unknown as THouseholdMember[]).map((m) => ({ name: m.name, relation: m.relation, idCard: maskedIdCard(m.idLast4) })),
        years,
      };
    },
  );

  r.post(
    '/api/households/:id/linkage-entries',
    {
      schema: {
        tags: ['households'],
        summary: 'Record one 联农带农 income of a household in a year (VILLAGE_COMMITTEE of its village, COUNTY_AGRICULTURE, ADMIN); idempotent by requestId',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: ZLinkageEntryBody,
        response: { 200: ZEntry, 201: ZEntry },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const body = req.body;
      const h = await prisma.household.findUnique({ where: { id: req.params.id } });
      if (!h || !actor.roles.some((g) => covers(g, h.orgPath)))
        throw new AppError('NOT_FOUND', `no household ${req.params.id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
      const grant = actor.roles.find((g) => (LINKAGE_ENTRY_ROLES as readonly string[]).includes(g.role) && covers(g, h.orgPath));
      if (!grant)
        throw new AppError('ROLE_NOT_ALLOWED', 'the 联农带农 ledger is kept by the village committee, the county agriculture bureau and administrators');
      const refused = linkageEntryRefusal({ year: body.year, amountFen: body.amountFen }, shanghaiWallClock(new Date()).getUTCFullYear());
      if (refused) throw refusalToAppError(refused);
      const content = {
        householdId: h.id,
        year: body.year,
        kind: body.kind,
        amountFen: BigInt(body.amountFen),
        projectId: body.projectId ?? null,
        assetId: body.assetId ?? null,
        note: body.note ?? null,
      };
      const same = (e: Omit<typeof content, 'kind'> & { kind: string }) =>
        e.householdId === content.householdId &&
        e.year === content.year &&
        e.kind === content.kind &&
        e.amountFen === content.amountFen &&
        e.projectId === content.projectId &&
        e.assetId === content.assetId &&
        e.note === content.note;
      const replay = async () => {
        const earlier = await prisma.linkageEntry.findUnique({ where: { requestId: body.requestId } });
        if (!earlier) return null;
        if (!same(earlier))
          throw new AppError('DUPLICATE_REQUEST', 'this requestId was already used for another entry', [{ path: 'body.requestId', message: 'reused' }]);
        return reply.code(200).send({ ...earlier, amountFen: Number(earlier.amountFen) });
      };
      const answered = await replay();
      if (answered) return answered;
      if (content.projectId) {
        const project = await prisma.project.findUnique({ where: { id: content.projectId }, select: { countyId: true } });
        if (project?.countyId !== h.countyId)
          throw new AppError('VALIDATION_FAILED', `no project ${content.projectId} in the household's county`, [
            { path: 'body.projectId', message: 'unknown project' },
          ]);
      }
      if (content.assetId) {
        const asset = await prisma.asset.findUnique({ where: { id: content.assetId }, select: { countyId: true, project: { select: { countyId: true } } } });
        if ((asset?.countyId ?? asset?.project?.countyId) !== h.countyId)
          throw new AppError('VALIDATION_FAILED', `no asset ${content.assetId} in the household's county`, [
            { path: 'body.assetId', message: 'unknown asset' },
          ]);
      }
      const id = `lk-${crypto.randomUUID()}`;
      const at = new Date();
      try {
        const entry = await prisma.$transaction(async (tx) => {
          const created = await tx.linkageEntry.create({ data: { id, requestId: body.requestId, ...content, recordedBy: actor.userId, recordedAt: at } });
          await writeAuditEvent(
            tx,
            {
              eventKey: `linkage-entry:${body.requestId}`,
              entityType: 'Household',
              entityId: h.id,
              action: 'LINKAGE_ENTRY_RECORDED',
              details: {
                entryId: id,
                householdId: h.id,
                year: content.year,
                kind: content.kind,
                amountFen: body.amountFen,
                projectId: content.projectId,
                assetId: content.assetId,
              },
              at,
              actorId: actor.userId,
              role: grant.role,
              orgUnitId: grant.orgUnitId,
              requestId: body.requestId,
            },
            { ifNew: false },
          );
          return created;
        });
        return reply.code(201).send({ ...entry, amountFen: Number(entry.amountFen) });
      } catch (err) {
        // The same requestId sent twice at once: the second answers as a replay of the first.
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          const again = await replay();
          if (again) return again;
        }
        throw err;
      }
    },
  );
}
