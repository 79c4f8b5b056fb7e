import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyPassword } from '../../auth/password';
import { actorFromUser, issueToken } from '../../auth/tokens';
import { AppError } from '../../domain/errors';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';

export const ZLoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export async function authRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/auth/login', { schema: { tags: ['auth'], summary: 'Exchange username and password for a bearer token', body: ZLoginBody } }, async (req, reply) => {
    const user = await prisma.user.findUnique({
      where: { username: req.body.username },
      include: { roles: { include: { orgUnit: true } } },
    });
    // The same answer for an unknown user and a wrong password: no account enumeration.
    const ok = user && user.active && (await verifyPassword(req.body.password, user.passwordHash));
    if (!ok) throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
    const token = await issueToken(prisma, user.id, 'login');
    await prisma.auditEvent.create({
      data: { eventKey: `login:${user.id}:${Date.now()}:${token.slice(-8)}`, actorId: user.id, action: 'LOGIN', entityType: 'User', entityId: user.id },
    });
    return reply.code(200).send({ token, user: actorFromUser(user) });
  });

  r.get('/api/me', { schema: { tags: ['auth'], summary: 'The signed-in user and their roles' } }, async (req) => requireActor(req));
}
