import { orgPathSegments } from '../domain/actor';
import type { TPrisma } from './prisma';

/**
 * The county an org path lies in, looked up by level: paths start at the tree's root, which may be
 * a province or a city above the county, so the county is the unit on the path whose level is
 * COUNTY, not its first segment. Null for a path above every county (a city's, a province's).
 */
export async function countyOnPath(prisma: TPrisma, orgPath: string): Promise<{ id: string; name: string; path: string } | null> {
  return prisma.orgUnit.findFirst({ where: { id: { in: orgPathSegments(orgPath) }, level: 'COUNTY' }, select: { id: true, name: true, path: true } });
}

/** The stored paths of these org units, by id (unknown ids are absent). */
export async function orgUnitPaths(prisma: TPrisma, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const units = await prisma.orgUnit.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, path: true } });
  return new Map(units.map((u) => [u.id, u.path]));
}
