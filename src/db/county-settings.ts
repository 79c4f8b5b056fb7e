import { orgPathSegments } from '../domain/actor';
import { AppError } from '../domain/errors';
import { resolveSettings, type TCountySettings } from '../domain/policies/settings';
import type { TPrisma } from './prisma';

/** Where a unit's settings come from: its own row, the nearest ancestor's row, or the deployment. */
export const SETTINGS_SOURCES = ['COUNTY', 'CITY', 'PROVINCE', 'DEFAULT'] as const;
export type TSettingsSource = (typeof SETTINGS_SOURCES)[number];

/** The org levels that may save settings: a county, or a city or province for the counties under it. */
export const SETTINGS_LEVELS = ['COUNTY', 'CITY', 'PROVINCE'] as const;
export type TSettingsLevel = (typeof SETTINGS_LEVELS)[number];

/** A unit's settings as they apply now, and where they come from. */
export interface TCountySettingsRecord {
  /**
   * The level of the unit whose row applies: the unit's own (COUNTY for a county, CITY for a city…)
   * or the nearest ancestor's; DEFAULT when no unit on the way to the root saved any.
   */
  source: TSettingsSource;
  /** The unit whose row applies; null with DEFAULT. */
  sourceUnit: { id: string; name: string } | null;
  settings: TCountySettings;
  /** The version of the unit's OWN row, which the next write must name; 0 while it has none (inheriting). */
  version: number;
  /** When and by whom the applying row (own or inherited) was last saved. */
  updatedAt: Date | null;
  updatedBy: { id: string; displayName: string } | null;
}

type TReader = Pick<TPrisma, 'countySettings' | 'orgUnit'>;

/**
 * The one way to read the settings in force at a county (or at a city or province): the unit's own
 * row if it saved one; else the nearest ancestor's (the city's, then the province's); else the
 * deployment's defaults. Whole rows are inherited, never merged field by field: a row stores the
 * full parsed object, and the nearest row wins entirely. The stored JSON is parsed again, so fields
 * added to `ZCountySettings` after the row was written come out with their defaults.
 */
export async function readCountySettings(db: TReader, { countyId, defaults }: { countyId: string; defaults: TCountySettings }): Promise<TCountySettingsRecord> {
  const unit = await db.orgUnit.findUnique({ where: { id: countyId }, select: { path: true } });
  // The unit's path lists its ancestors root first and itself last.
  const chain = unit ? orgPathSegments(unit.path) : [countyId];
  const rows = await db.countySettings.findMany({
    where: { countyId: { in: chain } },
    include: { updatedBy: { select: { id: true, displayName: true } }, county: { select: { id: true, name: true, level: true } } },
  });
  const own = rows.find((r) => r.countyId === countyId);
  const nearest = rows.sort((a, b) => chain.indexOf(b.countyId) - chain.indexOf(a.countyId))[0];
  if (!nearest) return { source: 'DEFAULT', sourceUnit: null, settings: defaults, version: 0, updatedAt: null, updatedBy: null };
  const parsed = resolveSettings(nearest.values);
  // Only a schema tightened after the row was saved gets here: a server fault, not the caller's.
  if (!parsed.ok)
    throw new AppError(
      'INTERNAL',
      `the stored settings of org unit ${nearest.countyId} no longer pass validation: ${parsed.error.details.map((d) => d.path).join(', ')}`,
    );
  const level = nearest.county.level;
  if (!(SETTINGS_LEVELS as readonly string[]).includes(level)) throw new AppError('INTERNAL', `org unit ${nearest.countyId} (${level}) may not hold settings`);
  return {
    source: level as TSettingsLevel,
    sourceUnit: { id: nearest.county.id, name: nearest.county.name },
    settings: parsed.settings,
    version: own?.version ?? 0,
    updatedAt: nearest.updatedAt,
    updatedBy: nearest.updatedBy,
  };
}
