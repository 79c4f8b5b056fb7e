import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors';
import type { TActor } from '../domain/actor';

/** The authenticated actor, or a 401: every route but login and health calls this first. */
export function requireActor(req: FastifyRequest): TActor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token>');
  return req.actor;
}
