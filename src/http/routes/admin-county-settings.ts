import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdminGrants, requireAdminScope } from '../../auth/admin-scope';
import { recordAudit } from '../../auth/record-audit';
import { readCountySettings, SETTINGS_LEVELS, SETTINGS_SOURCES, type TCountySettingsRecord } from '../../db/county-settings';
import type { TPrisma } from '../../db/prisma';
import { findGrant, type TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import { deploymentSettings, type TCountySettings, type TPublicityOverride } from '../../domain/policies/settings';
import { ZCountySettings } from '../../domain/zod-schemas';
import type { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZNullableInstant } from '../openapi';

const ZCountyParams = z.object({ id: z.string().trim().min(1).max(64) });

/**
 * A whole settings object (what is left out takes its default: this is a replacement, not a
 * patch) and the version the editor read, so two administrators cannot overwrite each other.
 */
export const ZPutCountySettingsBody = z.object({
  expectedVersion: z.int().min(0).max(2_147_483_647).describe('the version the GET answered (0 while the county uses the defaults)'),
  settings: ZCountySettings,
});

const ZPublicityDays = z.object({ villageDays: z.int().optional(), townshipDays: z.int().optional(), acceptanceDays: z.int().optional() });

const ZCountySettingsOut = z.object({
  countyId: z.string().describe('the unit asked about: a county, or a city or province whose settings its counties inherit'),
  countyName: z.string(),
  level: z.enum(SETTINGS_LEVELS).describe('the level of the unit asked about'),
  source: z
    .enum(SETTINGS_SOURCES)
    .describe(
      "whose saved settings apply: the unit's own row, else the nearest ancestor's (COUNTY, CITY, PROVINCE: the level of the unit that saved them); DEFAULT: nobody on the way to the root saved any, the configured defaults apply",
    ),
  sourceUnit: z.object({ id: z.string(), name: z.string() }).nullable().describe('the unit whose row applies (this one or an ancestor); null with DEFAULT'),
  version: z.int().describe("the version of this unit's own row (0 while it has none and inherits): name it as expectedVersion in the next PUT"),
  settings: ZCountySettings,
  defaults: ZCountySettings.describe('what a county without its own settings uses (the configuration)'),
  publicityOverride: ZPublicityDays.nullable().describe(
    'publicity periods this deployment imposes on every county (PUBLICITY_DAYS), beating the saved ones; null in production',
  ),
  updatedAt: ZNullableInstant,
  updatedBy: z.object({ id: z.string(), displayName: z.string() }).nullable(),
});

/** Roles that may read a unit's settings: administrators and monitors/auditors (read-only) whose grant covers it. */
const READ_ROLES = ['ADMIN', 'MONITOR'] as const;

/** A unit that may hold settings: a county, or a city or province above counties (a township may not). */
async function countyOrFail(prisma: TPrisma, id: string) {
  const unit = await prisma.orgUnit.findUnique({ where: { id } });
  if (!unit || !(SETTINGS_LEVELS as readonly string[]).includes(unit.level))
    throw new AppError('NOT_FOUND', `no county, city or province ${id}`, [
      { path: 'params.id', message: unit ? 'not a county, city or province' : 'unknown org unit' },
    ]);
  return { ...unit, level: unit.level as (typeof SETTINGS_LEVELS)[number] };
}

function requireReader(actor: TActor, countyPath: string) {
  if (!actor.roles.some((g) => (READ_ROLES as readonly string[]).includes(g.role))) {
    throw new AppError('ROLE_NOT_ALLOWED', 'only administrators and monitors read county settings');
  }
  if (!READ_ROLES.some((role) => findGrant(actor, role, countyPath))) {
    throw new AppError('OUT_OF_SCOPE', 'this county is outside your org units', [{ path: 'params.id', message: 'out of scope' }]);
  }
}

type TLeaf = string | number | boolean | null | readonly unknown[];

/**
 * Every leaf of a settings object by its dotted path (`publicity.villageDays`). A list (a year's
 * holidays in the working-day calendar) is one leaf: a date taken out is one change, not every
 * later date moving up an index.
 */
function leaves(value: unknown, prefix = ''): Map<string, TLeaf> {
  const out = new Map<string, TLeaf>();
  if (Array.isArray(value)) out.set(prefix, value);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) for (const [p, leaf] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, leaf);
  } else out.set(prefix, value as TLeaf);
  return out;
}

/** The fields that differ, each with its value before and after: what the audit event records. */
export function settingsChanges(before: TCountySettings, after: TCountySettings): Array<{ path: string; before: TLeaf; after: TLeaf }> {
  const a = leaves(before);
  const b = leaves(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((p) => JSON.stringify(a.get(p) ?? null) !== JSON.stringify(b.get(p) ?? null))
    .map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}

export async function adminCountySettingsRoutes(app: FastifyInstance, { prisma, countySettings }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Computed once: an invalid deployment default stops the server at start, not a request later.
  const { defaults, publicityOverride } = deploymentSettings(countySettings);

  const answer = (county: { id: string; name: string; level: (typeof SETTINGS_LEVELS)[number] }, record: TCountySettingsRecord) => ({
    countyId: county.id,
    countyName: county.name,
    level: county.level,
    ...record,
    defaults,
    publicityOverride: publicityOverride as TPublicityOverride | null,
  });

  r.get(
    '/api/admin/counties/:id/settings',
    {
      schema: {
        tags: ['admin'],
        summary:
          "A county's settings (公示天数、拨付比例、评价权重…) with their version, last editor and source: its own, inherited from its city or province, or the defaults. A city or province id answers that unit's settings, which its counties inherit",
        params: ZCountyParams,
        response: { 200: ZCountySettingsOut },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const county = await countyOrFail(prisma, req.params.id);
      requireReader(actor, county.path);
      return answer(county, await readCountySettings(prisma, { countyId: county.id, defaults }));
    },
  );

  r.put(
    '/api/admin/counties/:id/settings',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Replace a county's (or a city's or province's) settings; applies to projects started afterwards (running ones keep theirs), and a city's or province's to its counties without settings of their own. 409 VERSION_CONFLICT when expectedVersion is stale",
        params: ZCountyParams,
        body: ZPutCountySettingsBody,
        response: { 200: ZCountySettingsOut },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      // The role first: someone who may never change settings learns nothing about which counties exist.
      requireAdminGrants(actor);
      const county = await countyOrFail(prisma, req.params.id);
      const grant = requireAdminScope(actor, county.path, 'params.id');
      const { expectedVersion, settings } = req.body;
      const conflict = () =>
        new AppError('VERSION_CONFLICT', `the settings were changed by someone else since version ${expectedVersion}: reload them`, [
          { path: 'body.expectedVersion', message: 'stale' },
        ]);
      const values = settings as unknown as Prisma.InputJsonValue;

      const record = await prisma
        .$transaction(async (tx) => {
          const before = await readCountySettings(tx, { countyId: county.id, defaults });
          if (before.version !== expectedVersion) throw conflict();
          if (expectedVersion === 0) {
            // The first save: a concurrent first save makes this insert fail on the key (below).
            await tx.countySettings.create({ data: { countyId: county.id, values, version: 1, updatedById: actor.userId } });
          } else {
            // The version in the filter makes the write conditional on nobody having saved since the read.
            const { count } = await tx.countySettings.updateMany({
              where: { countyId: county.id, version: expectedVersion },
              data: { values, version: { increment: 1 }, updatedById: actor.userId },
            });
            if (count !== 1) throw conflict();
          }
          await recordAudit(tx, {
            actorId: actor.userId,
            role: 'ADMIN',
            orgUnitId: grant.orgUnitId,
            action: 'COUNTY_SETTINGS_CHANGED',
            entityType: 'OrgUnit',
            entityId: county.id,
            details: {
              fromVersion: expectedVersion,
              toVersion: expectedVersion + 1,
              sourceBefore: before.source,
              changes: settingsChanges(before.settings, settings),
            },
          });
          return readCountySettings(tx, { countyId: county.id, defaults });
        })
        .catch((err: unknown) => {
          if ((err as { code?: string })?.code === 'P2002') throw conflict();
          throw err;
        });
      return answer(county, record);
    },
  );
}
