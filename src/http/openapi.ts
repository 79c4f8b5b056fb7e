import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERROR_STATUS } from '../domain/errors';

/**
 * The stable error shape every failure leaves the API in (src/http/errors.ts `toAppError`):
 * declared on every route for 4xx and 5xx, so the OpenAPI document shows it. Loose objects: a
 * response schema also serializes, and documenting must never strip or refuse what is sent.
 */
export const ZErrorBody = z
  .looseObject({
    error: z.looseObject({
      code: z
        .string()
        .meta({ enum: Object.keys(ERROR_STATUS) })
        .describe('a stable error code (src/domain/errors.ts ERROR_STATUS)'),
      message: z.string(),
      details: z.array(z.looseObject({ path: z.string().describe('the field, e.g. body.comment or querystring.year'), message: z.string() })),
    }),
  })
  .describe('Every refusal and failure: { error: { code, message, details[{ path, message }] } }');

export { ZInstant, ZNullableInstant } from './schemas/instant';

/** A route whose success body is described in its summary only (documented later, route by route). */
const ZDescribedBody = z.any().describe('JSON; its content is described in the summary');

/**
 * Every API route gets the error shape for 4xx and 5xx, and a 2xx schema if it declares none:
 * routes that declare their success body (as most list routes do) keep theirs.
 */
export function documentResponses(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.hide || route.url.startsWith('/api/docs')) return;
    const response = { ...((route.schema?.response as Record<string, unknown> | undefined) ?? {}) };
    if (!Object.keys(response).some((status) => /^2/.test(status))) response['2XX'] = ZDescribedBody;
    response['4XX'] ??= ZErrorBody;
    response['5XX'] ??= ZErrorBody;
    route.schema = { ...route.schema, response };
  });
}

type TOpenApiDoc = { paths?: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> };

/**
 * A 204 answers with no body. Routes declare it as `z.null()` (so the serializer and the types
 * agree), which the OpenAPI 3.0 conversion turns into a nullable-string body: take it out again.
 */
export function withoutNoContentBodies<T extends object>(doc: T): T {
  for (const ops of Object.values((doc as TOpenApiDoc).paths ?? {})) {
    for (const op of Object.values(ops ?? {})) delete op?.responses?.['204']?.content;
  }
  return doc;
}
