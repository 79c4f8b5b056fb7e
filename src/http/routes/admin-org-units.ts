import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdminGrants, requireAdminScope, scopeRoots } from '../../auth/admin-scope';
import { recordAudit } from '../../auth/record-audit';
import { AppError } from '../../domain/errors';
import { ZVisibleName } from '../../domain/zod-schemas';
import { ORG_LEVELS, type TOrgLevel } from '../../domain/roles';
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
  parentId: z.string().trim().min(1).max(64),
});

/** A county has townships (乡镇), a township has villages (村); a village has no sub-units. */
const CHILD_LEVEL: Record<TOrgLevel, TOrgLevel | null> = { PROVINCE: 'CITY', CITY: 'COUNTY', COUNTY: 'TOWNSHIP', TOWNSHIP: 'VILLAGE', VILLAGE: null };
const ID_PREFIX: Record<TOrgLevel, string> = { PROVINCE: 'p', CITY: 'm', COUNTY: 'c', TOWNSHIP: 't', VILLAGE: 'v' };

const ZOrgUnitOut = z.object({
  id: z.string(),
  name: z.string(),
  level: z.enum(ORG_LEVELS),
  parentId: z.string().nullable(),
  path: z.string(),
});
/** A unit with its sub-units, two levels below a county (the tree is never deeper: village has none). */
const ZOrgNode = ZOrgUnitOut.extend({
  children: z.array(ZOrgUnitOut.extend({ children: z.array(ZOrgUnitOut.extend({ children: z.array(z.never()) })) })),
});

interface TOrgNode {
  id: string;
  name: string;
  level: TOrgLevel;
  parentId: string | null;
  path: string;
  children: TOrgNode[];
}

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
        summary: 'Add a township under a county or a village under a township',
        body: ZCreateOrgUnitBody,
        response: { 201: z.looseObject(ZOrgUnitOut.shape) },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { name, parentId } = req.body;
      const parent = await prisma.orgUnit.findUnique({ where: { id: parentId } });
      if (!parent) throw new AppError('NOT_FOUND', `no org unit ${parentId}`, [{ path: 'body.parentId', message: 'unknown org unit' }]);
      const grant = requireAdminScope(actor, parent.path, 'body.parentId');
      const level = CHILD_LEVEL[parent.level];
      if (!level) throw new AppError('VALIDATION_FAILED', 'a village has no sub-units', [{ path: 'body.parentId', message: 'is a village' }]);
      const id = req.body.id ?? `${ID_PREFIX[level]}-${crypto.randomBytes(5).toString('hex')}`;
      if (await prisma.orgUnit.findUnique({ where: { id } }))
        throw new AppError('CONFLICT', `org unit id ${id} is taken`, [{ path: 'body.id', message: 'taken' }]);
      if (await prisma.orgUnit.findFirst({ where: { parentId, name } })) {
        throw new AppError('CONFLICT', `${parent.name} already has a unit named ${name}`, [{ path: 'body.name', message: 'taken under this parent' }]);
      }
      try {
        const unit = await prisma.$transaction(async (tx) => {
          const created = await tx.orgUnit.create({ data: { id, name, level, parentId, path: `${parent.path}${id}/` } });
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
