import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TPrisma } from '../db/prisma';
import { actorForToken, hashToken, SESSION_TTL_MS } from './tokens';

export const SESSION_COOKIE = 'bangfu_session';

/**
 * Until the config gives a secret, each process signs with its own random one: sessions then
 * survive neither a restart nor a hop to another server behind a load balancer, which is fine for
 * development and tests and wrong for production (pass SESSION_COOKIE_SECRET there).
 */
const PROCESS_SECRET = crypto.randomBytes(32).toString('base64url');

/**
 * The signed session cookie: @fastify/cookie for parsing and signing, then a hook that turns a
 * valid cookie into `req.actor` when no bearer token already did. Signing is defence in depth:
 * the value is itself a random token looked up by hash, so a forged cookie finds nothing anyway.
 */
export async function registerSessionCookie(app: FastifyInstance, { prisma, cookieSecret }: { prisma: TPrisma; cookieSecret?: string }) {
  await app.register(cookie, { secret: cookieSecret ?? PROCESS_SECRET });
  app.addHook('onRequest', async (req) => {
    if (req.actor) return;
    const token = sessionTokenOf(req);
    if (token) req.actor = await actorForToken(prisma, token, 'cookie');
    if (req.actor) signedInByCookie.add(req);
  });
}

const signedInByCookie = new WeakSet<FastifyRequest>();

/** Whether the request's actor came from a bearer token (which a browser never attaches on its own). */
export function authenticatedByBearer(req: FastifyRequest): boolean {
  return req.actor !== null && !signedInByCookie.has(req);
}

/** The session token carried by the request's cookie, if its signature holds. */
export function sessionTokenOf(req: FastifyRequest): string | null {
  const raw = req.cookies?.[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

export function setSessionCookie(reply: FastifyReply, token: string) {
  // httpOnly: page scripts never see it. SameSite=Lax: no cross-site POST carries it; a same-site
  // one (another port or subdomain of the host) does, which the cross-origin guard refuses
  // (cross-origin-guard.ts). Secure whenever the request came over HTTPS.
  reply.setCookie(SESSION_COOKIE, token, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: 'auto',
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' });
}

/** Hashes of the sign-in credentials this request presented (cookie session, bearer token). */
export function presentedTokenHashes(req: FastifyRequest): string[] {
  const hashes: string[] = [];
  const session = sessionTokenOf(req);
  if (session) hashes.push(hashToken(session));
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) hashes.push(hashToken(header.slice(7).trim()));
  return hashes;
}
