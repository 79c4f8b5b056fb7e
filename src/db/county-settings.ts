import { AppError } from '../domain/errors';
import { resolveSettings, type TCountySettings } from '../domain/policies/settings';
import type { TPrisma } from './prisma';

/** A county's settings as they apply now, and where they come from. */
export interface TCountySettingsRecord {
  /** COUNTY: the county's own row; DEFAULT: no row yet, the deployment's defaults apply. */
  source: 'DEFAULT' | 'COUNTY';
  settings: TCountySettings;
  /** The row's version, which the next write must name; 0 while there is no row. */
  version: number;
  updatedAt: Date | null;
  updatedBy: { id: string; displayName: string } | null;
}

type TReader = Pick<TPrisma, 'countySettings'>;

/**
 * The county's row, or the defaults when it has none. The stored JSON is parsed again, so fields
 * added to `ZCountySettings` after the row was written come out with their defaults.
 */
export async function readCountySettings(db: TReader, { countyId, defaults }: { countyId: string; defaults: TCountySettings }): Promise<TCountySettingsRecord> {
  const row = await db.countySettings.findUnique({ where: { countyId }, include: { updatedBy: { select: { id: true, displayName: true } } } });
  if (!row) return { source: 'DEFAULT', settings: defaults, version: 0, updatedAt: null, updatedBy: null };
  const parsed = resolveSettings(row.values);
  // Only a schema tightened after the row was saved gets here: a server fault, not the caller's.
  if (!parsed.ok)
    throw new AppError(
      'INTERNAL',
      `the stored settings of county ${countyId} no longer pass validation: ${parsed.error.details.map((d) => d.path).join(', ')}`,
    );
  return { source: 'COUNTY', settings: parsed.settings, version: row.version, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}
