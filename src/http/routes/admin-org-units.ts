import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdminGrants, requireAdminScope, scopeRoots } from '../../auth/admin-scope';
import { recordAudit } from '../../auth/record-audit';
import { AppError } from '../../domain/errors';
import { ZVisibleName } from '../../domain/zod-schemas';
import { ORG_LEVELS, type TOrgLevel } from '../../domain/roles';
import { orgPathSegments, type TActor, type TRoleGrant } from '../../domain/actor';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';

export const ZCreateOrgUnitBody = z.object({
  /** A stable slug (it becomes part of every descendant's path); generated when omitted. */
  id: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes, starting with a letter')
    .optional(),
  name: ZVisibleName({ max: 100 }),
  /** The unit to add under; omitted, a new province (省) is added as a root of its own tree. */
  parentId: z.string().trim().min(1).max(64).optional(),
});

/**
 * A province has cities (市/州), a city counties, a county townships (乡镇), a township villages
 * (村); a village has no sub-units. A root without a parent is a province.
 */
const CHILD_LEVEL: Record<TOrgLevel, TOrgLevel | null> = { PROVINCE: 'CITY', CITY: 'COUNTY', COUNTY: 'TOWNSHIP', TOWNSHIP: 'VILLAGE', VILLAGE: null };
const ID_PREFIX: Record<TOrgLevel, string> = { PROVINCE: 'p', CITY: 'm', COUNTY: 'c', TOWNSHIP: 't', VILLAGE: 'v' };

const ZOrgUnitOut = z.object({
  id: z.string(),
  name: z.string(),
  // Zod's enum: the domain's ZOrgLevel is a shape without Zod, which the OpenAPI document cannot read.
  level: z.enum(ORG_LEVELS),
  parentId: z.string().nullable(),
  path: z.string(),
});
interface TOrgNode {
  id: string;
  name: string;
  level: TOrgLevel;
  parentId: string | null;
  path: string;
  children: TOrgNode[];
}

/**
 * A unit with its sub-units, `depth` levels of them: a province's tree is five levels deep
 * (province, city, county, township, village), a root county's three, and a grant may start the
 * view at any level, so the answer nests to five (a village's children are always empty). Built
 * level by level rather than as a recursive schema, so the OpenAPI document stays inline.
 */
function orgNodeShape(depth: number): z.ZodType<TOrgNode> {
  return ZOrgUnitOut.extend({ children: z.array(depth > 1 ? orgNodeShape(depth - 1) : z.never()) });
}
const ZOrgNode = orgNodeShape(ORG_LEVELS.length);

export async function adminOrgUnitRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/admin/org-units',
    { schema: { tags: ['admin'], summary: 'The org tree under my administrator grants', response: { 200: z.object({ items: z.array(ZOrgNode) }) } } },
    async (req) => {
      const roots = scopeRoots(requireAdminGrants(requireActor(req)));
      const units = await prisma.orgUnit.findMany({
        where: { OR: roots.map((g) => ({ path: { startsWith: g.orgPath } })) },
        orderBy: [{ path: 'asc' }],
        select: { id: true, name: true, level: true, parentId: true, path: true },
      });
      const nodes = new Map<string, TOrgNode>(units.map((u) => [u.id, { ...u, children: [] }]));
      const top: TOrgNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.parentId ? nodes.get(node.parentId) : undefined;
        if (parent) parent.children.push(node);
        else top.push(node);
      }
      return { items: top };
    },
  );

  r.post(
    '/api/admin/org-units',
    {
      schema: {
        tags: ['admin'],
        summary: 'Add a unit under its parent (city under a province, county under a city, township, village), or a new province as a root',
        body: ZCreateOrgUnitBody,
        response: { 201: z.looseObject(ZOrgUnitOut.shape) },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { name } = req.body;
      const parentId = req.body.parentId ?? null;
      const { grant, parentPath, level } = parentId ? await placeUnder(parentId) : { ...placeAsRoot(actor), parentPath: '/' };
      const id = req.body.id ?? `${ID_PREFIX[level]}-${crypto.randomBytes(5).toString('hex')}`;
      if (await prisma.orgUnit.findUnique({ where: { id } }))
        throw new AppError('CONFLICT', `org unit id ${id} is taken`, [{ path: 'body.id', message: 'taken' }]);
      if (await prisma.orgUnit.findFirst({ where: { parentId, name } })) {
        throw new AppError('CONFLICT', `a unit named ${name} already exists here`, [{ path: 'body.name', message: 'taken under this parent' }]);
      }

      async function placeUnder(id: string) {
        const parent = await prisma.orgUnit.findUnique({ where: { id } });
        if (!parent) throw new AppError('NOT_FOUND', `no org unit ${id}`, [{ path: 'body.parentId', message: 'unknown org unit' }]);
        const grant = requireAdminScope(actor, parent.path, 'body.parentId');
        const level = CHILD_LEVEL[parent.level];
        if (!level) throw new AppError('VALIDATION_FAILED', 'a village has no sub-units', [{ path: 'body.parentId', message: 'is a village' }]);
        return { grant, parentPath: parent.path, level };
      }
      try {
        const unit = await prisma.$transaction(async (tx) => {
          const created = await tx.orgUnit.create({ data: { id, name, level, parentId, path: `${parentPath}${id}/` } });
          await recordAudit(tx, {
            actorId: actor.userId,
            role: 'ADMIN',
            orgUnitId: grant.orgUnitId,
            action: 'ORG_UNIT_CREATED',
            entityType: 'OrgUnit',
            entityId: id,
            details: { name, level, parentId },
          });
          return created;
        });
        return reply.code(201).send(unit);
      } catch (err) {
        if ((err as { code?: string })?.code === 'P2002') throw new AppError('CONFLICT', `org unit id ${id} is taken`, [{ path: 'body.id', message: 'taken' }]);
        throw err;
      }
    },
  );
}

/**
 * A new root (a province) is added only by an administrator of a whole tree: an ADMIN grant at a
 * root unit (a root county's or a province's administrator), the deployment's top administrators.
 * The new tree is empty; an existing root county is never moved under it.
 */
function placeAsRoot(actor: TActor): { grant: TRoleGrant; level: TOrgLevel } {
  const grant = requireAdminGrants(actor).find((g) => orgPathSegments(g.orgPath).length === 1);
  if (!grant) throw new AppError('OUT_OF_SCOPE', 'only an administrator of a whole tree adds a province', [{ path: 'body.parentId', message: 'required' }]);
  return { grant, level: 'PROVINCE' };
}
