import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdminGrants, requireAdminScope, requireManageGrant } from '../../auth/admin-scope';
import { hashPassword } from '../../auth/password';
import { recordAudit } from '../../auth/record-audit';
import { revokeCredentials } from '../../auth/tokens';
import type { TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import { ZRole, ZVisibleName } from '../../domain/zod-schemas';
import { likeLiteral } from '../../db/like-pattern';
import type { TPrisma } from '../../db/prisma';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';
import { ZNewPassword } from './auth';

const ZOrgUnitId = z.string().trim().min(1).max(64);

export const ZRoleAssignmentBody = z.object({ role: ZRole, orgUnitId: ZOrgUnitId });

export const ZCreateUserBody = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, '3–64 letters, digits, dot, dash or underscore'),
  displayName: ZVisibleName({ max: 100 }),
  password: ZNewPassword,
  /** The unit the account belongs to; it decides which administrators manage it. */
  homeOrgUnitId: ZOrgUnitId,
  roles: z.array(ZRoleAssignmentBody).max(20).default([]),
});

export const ZResetPasswordBody = z.object({ newPassword: ZNewPassword });

const ZUserParams = z.object({ id: z.uuid() });
const ZAssignmentParams = z.object({ id: z.uuid(), assignmentId: z.uuid() });
const ZUserListQuery = ZPageQuery.extend({
  q: z.string().trim().max(64).optional(),
  active: z.enum(['true', 'false']).optional(),
});

const WITH_PLACEMENT = { homeOrgUnit: true, roles: { include: { orgUnit: true }, orderBy: { createdAt: 'asc' } } } as const;

type TUserWithPlacement = NonNullable<Awaited<ReturnType<typeof loadUser>>>;

function loadUser(prisma: TPrisma, id: string) {
  return prisma.user.findUnique({ where: { id }, include: WITH_PLACEMENT });
}

/** The account as administrators see it: never the password hash. */
/** An account as administrators see it (never a password hash). */
const ZUserRow = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  active: z.boolean(),
  deactivatedAt: ZNullableInstant,
  homeOrgUnit: z.object({ id: z.string(), name: z.string() }).nullable(),
  roles: z.array(z.object({ id: z.string(), role: z.string(), orgUnitId: z.string(), orgUnitName: z.string() })),
  createdAt: ZInstant,
});

function serializeUser(u: TUserWithPlacement) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    active: u.active,
    deactivatedAt: u.deactivatedAt,
    homeOrgUnit: u.homeOrgUnit ? { id: u.homeOrgUnit.id, name: u.homeOrgUnit.name } : null,
    roles: u.roles.map((r) => ({ id: r.id, role: r.role, orgUnitId: r.orgUnitId, orgUnitName: r.orgUnit.name })),
    createdAt: u.createdAt,
  };
}

const placementOf = (u: TUserWithPlacement) => ({ homeOrgPath: u.homeOrgUnit?.path ?? null, grantPaths: u.roles.map((r) => r.orgUnit.path) });

async function orgUnitOrFail(prisma: TPrisma, id: string, field: string) {
  const unit = await prisma.orgUnit.findUnique({ where: { id } });
  if (!unit) throw new AppError('NOT_FOUND', `no org unit ${id}`, [{ path: field, message: 'unknown org unit' }]);
  return unit;
}

async function manageableUser(prisma: TPrisma, actor: TActor, id: string) {
  const user = await loadUser(prisma, id);
  if (!user) throw new AppError('NOT_FOUND', `no user ${id}`, [{ path: 'params.id', message: 'not found' }]);
  return { user, grant: requireManageGrant(actor, placementOf(user)) };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

export async function adminUserRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Accounts in my administration (home unit or any role in my subtree)',
        querystring: ZUserListQuery,
        response: { 200: ZPage(ZUserRow) },
      },
    },
    async (req) => {
      const grants = requireAdminGrants(requireActor(req));
      const { q, active, page, pageSize } = req.query;
      const where = {
        OR: grants.flatMap((g) => [
          { homeOrgUnit: { path: { startsWith: g.orgPath } } },
          { roles: { some: { orgUnit: { path: { startsWith: g.orgPath } } } } },
        ]),
        ...(active ? { active: active === 'true' } : {}),
        ...(q
          ? { AND: [{ OR: [{ username: { contains: likeLiteral(q), mode: 'insensitive' as const } }, { displayName: { contains: likeLiteral(q) } }] }] }
          : {}),
      };
      const [items, total] = await Promise.all([
        prisma.user.findMany({ where, include: WITH_PLACEMENT, orderBy: { username: 'asc' }, ...pageArgs({ page, pageSize }) }),
        prisma.user.count({ where }),
      ]);
      return { items: items.map(serializeUser), total, page, pageSize };
    },
  );

  r.post(
    '/api/admin/users',
    {
      schema: { tags: ['admin'], summary: 'Create an account with an initial password and optional roles', body: ZCreateUserBody, response: { 201: ZUserRow } },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const body = req.body;
      const home = await orgUnitOrFail(prisma, body.homeOrgUnitId, 'body.homeOrgUnitId');
      const grant = requireAdminScope(actor, home.path, 'body.homeOrgUnitId');
      for (const [i, role] of body.roles.entries()) {
        const unit = await orgUnitOrFail(prisma, role.orgUnitId, `body.roles.${i}.orgUnitId`);
        requireAdminScope(actor, unit.path, `body.roles.${i}.orgUnitId`);
      }
      if (await prisma.user.findUnique({ where: { username: body.username } })) {
        throw new AppError('CONFLICT', `username ${body.username} is taken`, [{ path: 'body.username', message: 'taken' }]);
      }
      const passwordHash = await hashPassword(body.password);
      const roles = [...new Map(body.roles.map((x) => [`${x.role}@${x.orgUnitId}`, x])).values()];
      try {
        const id = await prisma.$transaction(async (tx) => {
          const user = await tx.user.create({
            data: { username: body.username, displayName: body.displayName, passwordHash, homeOrgUnitId: home.id, roles: { create: roles } },
          });
          await recordAudit(tx, {
            actorId: actor.userId,
            role: 'ADMIN',
            orgUnitId: grant.orgUnitId,
            action: 'USER_CREATED',
            entityType: 'User',
            entityId: user.id,
            details: { username: body.username, homeOrgUnitId: home.id, roles },
          });
          return user.id;
        });
        return reply.code(201).send(serializeUser((await loadUser(prisma, id))!));
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('CONFLICT', `username ${body.username} is taken`, [{ path: 'body.username', message: 'taken' }]);
        throw err;
      }
    },
  );

  r.post(
    '/api/admin/users/:id/roles',
    {
      schema: {
        tags: ['admin'],
        summary: 'Grant a role at an org unit in my subtree',
        params: ZUserParams,
        body: ZRoleAssignmentBody,
        response: { 201: z.object({ id: z.string(), userId: z.string(), role: z.string(), orgUnitId: z.string(), orgUnitName: z.string() }) },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { user } = await manageableUser(prisma, actor, req.params.id);
      const unit = await orgUnitOrFail(prisma, req.body.orgUnitId, 'body.orgUnitId');
      const grant = requireAdminScope(actor, unit.path, 'body.orgUnitId');
      if (user.roles.some((x) => x.role === req.body.role && x.orgUnitId === unit.id)) {
        throw new AppError('CONFLICT', `${user.username} already holds ${req.body.role} at ${unit.name}`, [{ path: 'body.role', message: 'already granted' }]);
      }
      try {
        const assignment = await prisma.$transaction(async (tx) => {
          const created = await tx.roleAssignment.create({ data: { userId: user.id, role: req.body.role, orgUnitId: unit.id } });
          await recordAudit(tx, {
            actorId: actor.userId,
            role: 'ADMIN',
            orgUnitId: grant.orgUnitId,
            action: 'ROLE_ASSIGNED',
            entityType: 'User',
            entityId: user.id,
            details: { assignmentId: created.id, role: created.role, orgUnitId: unit.id },
          });
          return created;
        });
        return reply.code(201).send({ id: assignment.id, userId: user.id, role: assignment.role, orgUnitId: unit.id, orgUnitName: unit.name });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'this role is already granted there', [{ path: 'body.role', message: 'already granted' }]);
        throw err;
      }
    },
  );

  r.delete(
    '/api/admin/users/:id/roles/:assignmentId',
    {
      schema: {
        tags: ['admin'],
        summary: 'Withdraw a role grant in my subtree',
        params: ZAssignmentParams,
        response: { 204: z.null().describe('withdrawn; no body') },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      requireAdminGrants(actor);
      const assignment = await prisma.roleAssignment.findFirst({ where: { id: req.params.assignmentId, userId: req.params.id }, include: { orgUnit: true } });
      if (!assignment) throw new AppError('NOT_FOUND', 'no such role grant on this user', [{ path: 'params.assignmentId', message: 'not found' }]);
      const grant = requireAdminScope(actor, assignment.orgUnit.path, 'params.assignmentId');
      if (assignment.userId === actor.userId && assignment.role === 'ADMIN') {
        // Otherwise the last administrator of a county can lock everyone out of administration.
        throw new AppError('CONFLICT', 'you cannot withdraw your own administrator grant; ask another administrator', [
          { path: 'params.assignmentId', message: 'own admin grant' },
        ]);
      }
      await prisma.$transaction(async (tx) => {
        await tx.roleAssignment.delete({ where: { id: assignment.id } });
        await recordAudit(tx, {
          actorId: actor.userId,
          role: 'ADMIN',
          orgUnitId: grant.orgUnitId,
          action: 'ROLE_WITHDRAWN',
          entityType: 'User',
          entityId: assignment.userId,
          details: { assignmentId: assignment.id, role: assignment.role, orgUnitId: assignment.orgUnitId },
        });
      });
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/admin/users/:id/reset-password',
    {
      schema: {
        tags: ['admin'],
        summary: "Set a new password for someone else's account; all its sign-ins and personal API tokens are revoked",
        description:
          'Not for your own account (403 FORBIDDEN on params.id): change your own password with POST /api/auth/password, which asks for the current one, ' +
          'so a stolen administrator session cannot lock the administrator out. Every credential of the account is revoked, personal API tokens included.',
        params: ZUserParams,
        body: ZResetPasswordBody,
        response: { 200: z.object({ ok: z.boolean(), signInsRevoked: z.int(), personalTokensRevoked: z.int() }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { user, grant } = await manageableUser(prisma, actor, req.params.id);
      if (user.id === actor.userId) {
        throw new AppError('FORBIDDEN', 'you cannot reset your own password here; change it with POST /api/auth/password (it asks for the current one)', [
          { path: 'params.id', message: 'own account' },
        ]);
      }
      const passwordHash = await hashPassword(req.body.newPassword);
      const revoked = await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
        const counts = await revokeCredentials({ prisma: tx, userId: user.id });
        await recordAudit(tx, {
          actorId: actor.userId,
          role: 'ADMIN',
          orgUnitId: grant.orgUnitId,
          action: 'PASSWORD_RESET',
          entityType: 'User',
          entityId: user.id,
          details: { signInsRevoked: counts.signIns, personalTokensRevoked: counts.personalTokens },
        });
        return counts;
      });
      return { ok: true, signInsRevoked: revoked.signIns, personalTokensRevoked: revoked.personalTokens };
    },
  );

  r.post(
    '/api/admin/users/:id/deactivate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Deactivate an account: it can no longer sign in and all its tokens are revoked',
        params: ZUserParams,
        response: { 200: ZUserRow },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { user, grant } = await manageableUser(prisma, actor, req.params.id);
      if (user.id === actor.userId) throw new AppError('CONFLICT', 'you cannot deactivate yourself', [{ path: 'params.id', message: 'self' }]);
      if (!user.active) throw new AppError('CONFLICT', `${user.username} is already deactivated`, [{ path: 'params.id', message: 'already deactivated' }]);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { active: false, deactivatedAt: new Date() } });
        // Revoked, not just refused, so reactivating the account does not revive old tokens.
        await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
        await recordAudit(tx, {
          actorId: actor.userId,
          role: 'ADMIN',
          orgUnitId: grant.orgUnitId,
          action: 'USER_DEACTIVATED',
          entityType: 'User',
          entityId: user.id,
        });
      });
      return serializeUser((await loadUser(prisma, user.id))!);
    },
  );
}
