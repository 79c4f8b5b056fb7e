import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../auth/record-audit';
import { issueTokenRecord } from '../../auth/tokens';
import { AppError } from '../../domain/errors';
import { ZVisibleName } from '../../domain/zod-schemas';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant, ZNullableInstant } from '../openapi';
import { pageArgs, ZPage, ZPageQuery } from '../pagination';

export const ZCreateTokenBody = z.object({
  name: ZVisibleName({ max: 100 }),
  /** Omitted: the token lives until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const ZTokenParams = z.object({ id: z.uuid() });

/** What may ever be shown about a token after its creation: never the secret, never its hash. */
const LISTED = { id: true, name: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const;
const ZListedToken = z.object({ id: z.string(), name: z.string(), createdAt: ZInstant, expiresAt: ZNullableInstant, lastUsedAt: ZNullableInstant });

export async function tokenRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token (the response is the only time it is shown)',
        description:
          'The token works until revoked, expired, or the password of its owner is changed or reset (both revoke every personal token, see POST /api/auth/password).',
        body: ZCreateTokenBody,
        response: {
          201: z.object({
            id: z.string(),
            name: z.string(),
            createdAt: ZInstant,
            expiresAt: ZNullableInstant,
            token: z.string().describe('the secret, shown this once'),
          }),
        },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const expiresAt = req.body.expiresInDays ? new Date(Date.now() + req.body.expiresInDays * 86_400_000) : null;
      const { token, record } = await prisma.$transaction(async (tx) => {
        const issued = await issueTokenRecord({ prisma: tx, userId: actor.userId, name: req.body.name, kind: 'PERSONAL', expiresAt });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'TOKEN_CREATED',
          entityType: 'ApiToken',
          entityId: issued.record.id,
          details: { name: req.body.name },
        });
        return issued;
      });
      return reply.code(201).send({ id: record.id, name: record.name, createdAt: record.createdAt, expiresAt: record.expiresAt, token });
    },
  );

  r.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'My personal API tokens that still work (without their secrets)',
        querystring: ZPageQuery,
        response: { 200: ZPage(ZListedToken) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const where = { userId: actor.userId, kind: 'PERSONAL' as const, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] };
      const [items, total] = await Promise.all([
        prisma.apiToken.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: LISTED, ...pageArgs(req.query) }),
        prisma.apiToken.count({ where }),
      ]);
      return { items, total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  r.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke one of my personal API tokens',
        params: ZTokenParams,
        response: { 204: z.null().describe('revoked; no body') },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      await prisma.$transaction(async (tx) => {
        // Someone else's token answers exactly like a missing one.
        const { count } = await tx.apiToken.updateMany({
          where: { id: req.params.id, userId: actor.userId, kind: 'PERSONAL', revokedAt: null },
          data: { revokedAt: new Date() },
        });
        if (count === 0) throw new AppError('NOT_FOUND', `no active token ${req.params.id} of yours`, [{ path: 'params.id', message: 'not found' }]);
        await recordAudit(tx, { actorId: actor.userId, action: 'TOKEN_REVOKED', entityType: 'ApiToken', entityId: req.params.id });
      });
      return reply.code(204).send(null);
    },
  );
}
