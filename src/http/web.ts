import type { FastifyInstance } from 'fastify';
import type { TAppDeps } from './context';
import { INDEX_HTML } from './web-page';

/** The web app: one page that talks to the same JSON API as every other client. */
export async function webRoutes(app: FastifyInstance, _deps: TAppDeps) {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(INDEX_HTML));
}
