import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAuditEvent } from '../../audit/write-audit-event';
import type { TActor } from '../../domain/actor';
import { covers } from '../../domain/actor';
import {
  ASSET_CLASSES,
  ASSET_FUNDING_SOURCES,
  ASSET_IMPORT_ROLES,
  ASSET_STATUSES,
  ledgerCodesOf,
  numberedRows,
  validateLedger,
  type TLedgerAsset,
} from '../../domain/assets/asset-register';
import { AppError } from '../../domain/errors';
import { fenTotal } from '../../domain/policies/money';
import { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';
import { ZFenSum } from '../schemas/money';
import { importVillages, LEDGER_BODY_LIMIT, ledgerTable, rowsInvalid, ZLedgerFileBody } from '../ledger-import';

const ZImportRow = z.object({
  row: z.number().int(),
  ledgerCode: z.string(),
  outcome: z.enum(['created', 'unchanged']),
  assetId: z.string().nullable().describe('null for a created row of a dry run'),
});
const ZImportAnswer = z.object({
  created: z.number().int(),
  unchanged: z.number().int(),
  dryRun: z.boolean(),
  rows: z.array(ZImportRow),
});

export const ZAssetListQuery = ZPageQuery.extend({
  assetClass: z.enum(ASSET_CLASSES).optional(),
  fundingSource: z.enum(ASSET_FUNDING_SOURCES).optional(),
  /** A county's, township's or village's subtree; intersected with the caller's scope. */
  orgUnitId: z.string().trim().min(1).max(64).optional(),
  status: z.enum(ASSET_STATUSES).optional(),
  projectId: z.string().trim().min(1).max(64).optional(),
});
export type TAssetListQuery = z.infer<typeof ZAssetListQuery>;

const ZAssetRow = z.object({
  id: z.string(),
  ledgerCode: z.string().nullable(),
  name: z.string(),
  assetClass: z.string(),
  fundingSource: z.string().nullable(),
  status: z.string(),
  valueFen: z.number().int(),
  owner: z.string(),
  custodian: z.string(),
  location: z.string().nullable(),
  certificateNo: z.string().nullable(),
  orgUnitId: z.string().nullable(),
  countyId: z.string().nullable(),
  projectId: z.string().nullable(),
  registeredAt: ZInstant,
  handedOverAt: ZInstant.nullable(),
});
const ZTotal = z.object({ count: z.number().int(), valueFen: ZFenSum });
const ZAssetList = ZPage(ZAssetRow).extend({
  totals: z
    .object({
      all: ZTotal,
      byClass: z.array(ZTotal.extend({ assetClass: z.string() })),
      bySource: z.array(ZTotal.extend({ fundingSource: z.string().nullable() })),
    })
    .describe('over every matching asset (all pages), in exact fen'),
});
const ZAssetEvent = z.object({
  at: ZInstant,
  action: z.string(),
  actorId: z.string().nullable(),
  role: z.string().nullable(),
  details: z.unknown(),
});
const ZAssetDetail = ZAssetRow.extend({ history: z.array(ZAssetEvent).describe('the audit log rows about the asset, oldest first') });

type TAssetRecord = Prisma.AssetGetPayload<object>;
const assetOut = (a: TAssetRecord) => ({
  id: a.id,
  ledgerCode: a.ledgerCode,
  name: a.name,
  assetClass: a.assetClass,
  fundingSource: a.fundingSource,
  status: a.status,
  valueFen: Number(a.valueFen),
  owner: a.owner,
  custodian: a.custodian,
  location: a.location,
  certificateNo: a.certificateNo,
  orgUnitId: a.orgUnitId,
  countyId: a.countyId,
  projectId: a.projectId,
  registeredAt: a.registeredAt,
  handedOverAt: a.handedOverAt,
});

/** Assets inside the caller's org units: their own village path, or (older rows) their project's. */
function assetScope(actor: TActor): Prisma.AssetWhereInput | null {
  if (actor.roles.length === 0) return null;
  return { OR: actor.roles.map((g) => ({ orgPath: { startsWith: g.orgPath } })) };
}

export async function assetRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/assets/imports',
    {
      bodyLimit: LEDGER_BODY_LIMIT,
      schema: {
        tags: ['assets'],
        summary: 'Import the county ledger of assets formed before the system (ADMIN or COUNTY_AGRICULTURE; CSV or XLSX, base64)',
        description:
          'Columns (header row, any order): 资产编号, 资产名称, 资产类别, 资金来源, 所属村, 价值(元), 所有权人, 管护人, 坐落位置, 产权证号. ' +
          '所属村 is a village under the caller’s org unit, by name or org unit id; 价值(元) has at most two decimals and is stored as exact integer fen. ' +
          'All or nothing: any bad row answers 422 LEDGER_ROWS_INVALID with one detail per problem (row, column, code) and writes nothing. ' +
          'A row whose 资产编号 is already registered in its county with the same content is `unchanged` (nothing written); with other content it is a CONFLICT detail.',
        body: ZLedgerFileBody,
        response: { 200: ZImportAnswer, 201: ZImportAnswer },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const villages = await importVillages(prisma, actor, ASSET_IMPORT_ROLES, 'importing the asset ledger');
      const table = numberedRows(await ledgerTable(req.body.format, Buffer.from(req.body.content, 'base64')));
      const codes = ledgerCodesOf(table);
      const stored = codes.length === 0 ? [] : await prisma.asset.findMany({ where: { ledgerCode: { in: codes } } });
      const checked = validateLedger({
        table,
        villages,
        stored: stored.flatMap((a) =>
          a.ledgerCode && a.countyId
            ? [
                {
                  ...a,
                  ledgerCode: a.ledgerCode,
                  countyId: a.countyId,
                  orgUnitId: a.orgUnitId ?? undefined,
                  orgPath: a.orgPath ?? undefined,
                  assetClass: a.assetClass as TLedgerAsset['assetClass'],
                  fundingSource: (a.fundingSource ?? undefined) as TLedgerAsset['fundingSource'] | undefined,
                  valueFen: Number(a.valueFen),
                },
              ]
            : [],
        ),
      });
      if (!checked.ok) throw rowsInvalid(checked.errors, 'ledger');
      const fresh = checked.rows.filter((p) => p.outcome === 'created');
      const ids = new Map(fresh.map((p) => [p.row, `asset-${crypto.randomUUID()}`]));
      if (!req.body.dryRun && fresh.length > 0) {
        const at = new Date();
        try {
          await prisma.$transaction(
            async (tx) => {
              await tx.asset.createMany({
                data: fresh.map(({ row, asset }) => ({
                  id: ids.get(row)!,
                  requestId: `ledger-import:${asset.countyId}:${asset.ledgerCode}`,
                  ledgerCode: asset.ledgerCode,
                  name: asset.name,
                  assetClass: asset.assetClass,
                  fundingSource: asset.fundingSource,
                  valueFen: BigInt(asset.valueFen),
                  owner: asset.owner,
                  custodian: asset.custodian,
                  location: asset.location,
                  certificateNo: asset.certificateNo,
                  orgUnitId: asset.orgUnitId,
                  orgPath: asset.orgPath,
                  countyId: asset.countyId,
                  registeredBy: actor.userId,
                  registeredAt: at,
                })),
              });
              for (const { row, asset } of fresh) {
                const grant = actor.roles.find((g) => (ASSET_IMPORT_ROLES as readonly string[]).includes(g.role) && covers(g, asset.orgPath));
                await writeAuditEvent(
                  tx,
                  {
                    eventKey: `asset-imported:${asset.countyId}:${asset.ledgerCode}`,
                    entityType: 'Asset',
                    entityId: ids.get(row)!,
                    action: 'ASSET_IMPORTED',
                    details: {
                      assetId: ids.get(row)!,
                      ledgerCode: asset.ledgerCode,
                      name: asset.name,
                      assetClass: asset.assetClass,
                      fundingSource: asset.fundingSource,
                      valueFen: asset.valueFen,
                    },
                    at,
                    actorId: actor.userId,
                    role: grant?.role ?? null,
                    orgUnitId: grant?.orgUnitId ?? null,
                  },
                  { ifNew: false },
                );
              }
            },
            { timeout: 120_000 },
          );
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
            throw new AppError('CONFLICT', 'another import wrote some of these 资产编号 meanwhile: nothing of this one was written; send it again');
          throw err;
        }
      }
      const rows = checked.rows.map((p) => ({
        row: p.row,
        ledgerCode: p.asset.ledgerCode,
        outcome: p.outcome,
        assetId: p.outcome === 'unchanged' ? p.assetId : req.body.dryRun ? null : ids.get(p.row)!,
      }));
      return reply
        .code(fresh.length > 0 && !req.body.dryRun ? 201 : 200)
        .send({ created: fresh.length, unchanged: rows.length - fresh.length, dryRun: req.body.dryRun, rows });
    },
  );

  r.get(
    '/api/assets',
    {
      schema: {
        tags: ['assets'],
        summary: 'The asset register (资产台账) in the caller’s org units, filtered and paged, with totals by class and funding source',
        querystring: ZAssetListQuery,
        response: { 200: ZAssetList },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const q = req.query;
      const scope = assetScope(actor);
      const empty = { all: { count: 0, valueFen: '0' }, byClass: [], bySource: [] };
      if (!scope) return { items: [], total: 0, page: q.page, pageSize: q.pageSize, totals: empty };
      const and: Prisma.AssetWhereInput[] = [scope];
      if (q.orgUnitId) {
        const unit = await prisma.orgUnit.findUnique({ where: { id: q.orgUnitId }, select: { path: true } });
        if (!unit) throw new AppError('VALIDATION_FAILED', `unknown org unit ${q.orgUnitId}`, [{ path: 'querystring.orgUnitId', message: 'unknown org unit' }]);
        and.push({ orgPath: { startsWith: unit.path } });
      }
      if (q.assetClass) and.push({ assetClass: q.assetClass });
      if (q.fundingSource) and.push({ fundingSource: q.fundingSource });
      if (q.status) and.push({ status: q.status });
      if (q.projectId) and.push({ projectId: q.projectId });
      const where: Prisma.AssetWhereInput = { AND: and };
      const [items, groups] = await Promise.all([
        prisma.asset.findMany({ where, orderBy: [{ registeredAt: 'desc' }, { id: 'desc' }], ...pageArgs(q) }),
        prisma.asset.groupBy({ by: ['assetClass', 'fundingSource'], where, _count: { _all: true }, _sum: { valueFen: true } }),
      ]);
      const add = (m: Map<string | null, { count: number; fen: bigint }>, key: string | null, g: (typeof groups)[number]) => {
        const t = m.get(key) ?? { count: 0, fen: 0n };
        m.set(key, { count: t.count + g._count._all, fen: t.fen + BigInt(g._sum.valueFen ?? 0n) });
      };
      const byClass = new Map<string | null, { count: number; fen: bigint }>();
      const bySource = new Map<string | null, { count: number; fen: bigint }>();
      for (const g of groups) {
        add(byClass, g.assetClass, g);
        add(bySource, g.fundingSource, g);
      }
      const count = groups.reduce((n, g) => n + g._count._all, 0);
      const allFen = groups.reduce((n, g) => n + BigInt(g._sum.valueFen ?? 0n), 0n);
      const sorted = <K extends string | null>(m: Map<K, { count: number; fen: bigint }>) =>
        [...m.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
      return {
        items: items.map(assetOut),
        total: count,
        page: q.page,
        pageSize: q.pageSize,
        totals: {
          all: { count, valueFen: fenTotal(allFen) },
          byClass: sorted(byClass).map(([assetClass, t]) => ({ assetClass: assetClass!, count: t.count, valueFen: fenTotal(t.fen) })),
          bySource: sorted(bySource).map(([fundingSource, t]) => ({ fundingSource, count: t.count, valueFen: fenTotal(t.fen) })),
        },
      };
    },
  );

  r.get(
    '/api/assets/:id',
    {
      schema: {
        tags: ['assets'],
        summary: 'One asset of the register, with its history (the audit log rows about it)',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: ZAssetDetail },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const asset = await prisma.asset.findUnique({ where: { id: req.params.id } });
      if (!asset || !asset.orgPath || !actor.roles.some((g) => covers(g, asset.orgPath!)))
        throw new AppError('NOT_FOUND', `no asset ${req.params.id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
      const about: Prisma.AuditEventWhereInput[] = [{ entityType: 'Asset', entityId: asset.id }];
      if (asset.projectId)
        about.push(
          { projectId: asset.projectId, action: 'ASSET_REGISTERED', details: { path: ['assetId'], equals: asset.id } },
          { projectId: asset.projectId, action: 'ASSETS_HANDED_OVER', details: { path: ['assetIds'], array_contains: [asset.id] } },
        );
      const events = await prisma.auditEvent.findMany({
        where: { OR: about },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        select: { at: true, action: true, actorId: true, role: true, details: true },
      });
      return { ...assetOut(asset), history: events };
    },
  );
}
