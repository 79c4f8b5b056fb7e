import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearFailedLogins, DEFAULT_LOGIN_LIMIT, perAddressCap, releaseLoginAttempt, reserveLoginAttempt, type TLoginLimit } from '../../auth/login-rate-limit';
import { hashPassword, verifyPassword } from '../../auth/password';
import { recordAudit } from '../../auth/record-audit';
import { clearSessionCookie, presentedTokenHashes, setSessionCookie } from '../../auth/session-cookie';
import { actorFromUser, issueTokenRecord, revokeCredentials, SESSION_TTL_MS } from '../../auth/tokens';
import { AppError } from '../../domain/errors';
import { mayOpenTemporalUi } from '../../domain/roles';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZInstant } from '../openapi';
import { ZLoginBody } from '../schemas/auth-bodies';

/** The one password rule, shared by self-service change, admin reset and account creation. */
export const ZNewPassword = z.string().min(10, 'at least 10 characters').max(256);

export const ZChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: ZNewPassword })
  .refine((b) => b.currentPassword !== b.newPassword, { message: 'choose a password different from the current one', path: ['newPassword'] });

/** The signed-in user as the API names them (src/auth/tokens.ts `actorFromUser`). Loose: documenting never strips. */
const ZActorOut = z.looseObject({
  userId: z.string(),
  displayName: z.string().optional(),
  roles: z.array(z.looseObject({ role: z.string(), orgUnitId: z.string(), orgPath: z.string() })),
});
/** GET /api/me adds what the web apps may offer this user, decided here from the roles (src/domain/roles.ts). */
const ZMeOut = ZActorOut.extend({
  temporalUiUrl: z
    .string()
    .nullable()
    .describe('the Temporal Web UI, for a monitor (MONITOR) or an administrator (ADMIN); null for everyone else, whose pages show no link to it'),
});

export interface TAuthOptions {
  loginLimit?: TLoginLimit;
}

// Verifying against this when the username is unknown makes both refusals cost one scrypt, so
// response time does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
const timingDecoy = () => (dummyHash ??= hashPassword('not-a-password-of-anyone'));

export async function authRoutes(app: FastifyInstance, { prisma, config }: TAppDeps, { loginLimit = DEFAULT_LOGIN_LIMIT }: TAuthOptions = {}) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Counts the attempt before its password is checked (see login-rate-limit.ts), or refuses 429. */
  async function reserveAttempt(username: string, ip: string, reply: { header(k: string, v: string): unknown }): Promise<bigint> {
    const reservation = await reserveLoginAttempt({ prisma, username, ip, limit: loginLimit });
    if (reservation.reserved) return reservation.attemptId;
    reply.header('retry-after', String(reservation.retryAfterSeconds));
    throw new AppError('RATE_LIMITED', `too many failed attempts; try again in ${Math.ceil(reservation.retryAfterSeconds / 60)} min`, [
      { path: 'body.username', message: 'rate limited' },
    ]);
  }

  r.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in: sets the signed session cookie and returns a bearer token for scripts',
        description:
          `At most ${loginLimit.maxFailures} failed attempts per username and client address, and ${perAddressCap(loginLimit)} per client address over all usernames, ` +
          `per ${loginLimit.windowMs / 60000} minutes; then 429 RATE_LIMITED with Retry-After, even for the right password. Attempts are counted before the password is checked, ` +
          'so concurrent guesses cannot exceed the limit. Each failed attempt is audited (LOGIN_FAILED: the address and the username tried, never the password).',
        body: ZLoginBody,
        security: [],
        response: {
          200: z.looseObject({ token: z.string().describe('a bearer token for scripts, valid as long as the session'), expiresAt: ZInstant, user: ZActorOut }),
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      await reserveAttempt(username, req.ip, reply);
      const user = await prisma.user.findUnique({ where: { username }, include: { roles: { include: { orgUnit: true } } } });
      // The same answer for an unknown user, a deactivated one and a wrong password: no enumeration.
      const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await timingDecoy()));
      if (!user || !user.active || !passwordOk) {
        // The reservation stays as this failure's record. The audit says which refusal it was (the
        // caller never learns it); bounded by the limit, so a flood of guesses cannot flood the log.
        const reason = !user ? 'UNKNOWN_USER' : !user.active ? 'DEACTIVATED' : 'WRONG_PASSWORD';
        await recordAudit(prisma, {
          actorId: null,
          action: 'LOGIN_FAILED',
          entityType: user ? 'User' : 'Username',
          entityId: user?.id ?? username.toLowerCase(),
          details: { ip: req.ip, username, reason },
        });
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      // This username's earlier typos from this address (and this attempt's reservation) no longer count.
      await clearFailedLogins({ prisma, username, ip: req.ip });
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      const { bearer, session } = await prisma.$transaction(async (tx) => {
        const bearer = await issueTokenRecord({ prisma: tx, userId: user.id, name: 'login', kind: 'LOGIN', expiresAt });
        const session = await issueTokenRecord({ prisma: tx, userId: user.id, name: 'web session', kind: 'SESSION', expiresAt });
        await recordAudit(tx, { actorId: user.id, action: 'LOGIN', entityType: 'User', entityId: user.id, details: { ip: req.ip } });
        return { bearer, session };
      });
      setSessionCookie(reply, session.token);
      return reply.code(200).send({ token: bearer.token, expiresAt: expiresAt.toISOString(), user: actorFromUser(user) });
    },
  );

  r.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: revokes the session cookie and the login bearer token presented',
        response: { 200: z.looseObject({ revoked: z.int().describe('sign-ins revoked') }) },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const hashes = presentedTokenHashes(req);
      // Personal tokens are not sign-ins: logging out with one leaves it alone (DELETE /api/tokens/:id revokes it).
      const revoked = await prisma.$transaction(async (tx) => {
        const { count } = await tx.apiToken.updateMany({
          where: { userId: actor.userId, tokenHash: { in: hashes }, kind: { in: ['LOGIN', 'SESSION'] }, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        await recordAudit(tx, { actorId: actor.userId, action: 'LOGOUT', entityType: 'User', entityId: actor.userId, details: { revoked: count } });
        return count;
      });
      clearSessionCookie(reply);
      return reply.code(200).send({ revoked });
    },
  );

  r.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change my password (the current one is required); my other sign-ins and my personal API tokens are revoked',
        description:
          'Every credential the old password could have produced is revoked: other sign-ins (session cookies, login bearer tokens) and personal API tokens, ' +
          'except the credential this request is made with. Make new personal tokens afterwards. A wrong current password counts as a failed login for the login limit.',
        body: ZChangePasswordBody,
        response: {
          200: z.object({
            ok: z.boolean(),
            otherSignInsRevoked: z.int(),
            personalTokensRevoked: z.int().describe('personal API tokens revoked (not the one this request used)'),
          }),
        },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const user = await prisma.user.findUniqueOrThrow({ where: { id: actor.userId } });
      // A stolen session must not become a way to guess the password: the login limit applies here too.
      const attemptId = await reserveAttempt(user.username, req.ip, reply);
      if (!(await verifyPassword(req.body.currentPassword, user.passwordHash))) {
        throw new AppError('VALIDATION_FAILED', 'the current password is wrong', [{ path: 'body.currentPassword', message: 'wrong password' }]);
      }
      await releaseLoginAttempt({ prisma, attemptId });
      const passwordHash = await hashPassword(req.body.newPassword);
      const revoked = await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
        const counts = await revokeCredentials({ prisma: tx, userId: user.id, exceptHashes: presentedTokenHashes(req) });
        await recordAudit(tx, {
          actorId: user.id,
          action: 'PASSWORD_CHANGED',
          entityType: 'User',
          entityId: user.id,
          details: { otherSignInsRevoked: counts.signIns, personalTokensRevoked: counts.personalTokens },
        });
        return counts;
      });
      return reply.code(200).send({ ok: true, otherSignInsRevoked: revoked.signIns, personalTokensRevoked: revoked.personalTokens });
    },
  );

  r.get('/api/me', { schema: { tags: ['auth'], summary: 'The signed-in user and their roles', response: { 200: ZMeOut } } }, async (req) => {
    const actor = requireActor(req);
    return { ...actor, temporalUiUrl: mayOpenTemporalUi(actor.roles) ? config.temporal.uiUrl : null };
  });
}
