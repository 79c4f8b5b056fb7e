import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { rawTable, type TPrisma } from '../../src/db/prisma';
import { Prisma } from '../../src/generated/prisma/client';

/** One operation of the OpenAPI document, with the Fastify-style URL template it is served at. */
export interface TRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/api/tasks/{taskId}/decision` as in the document. */
  path: string;
  /** `POST /api/tasks/{taskId}/decision`: the key of the expectation tables. */
  key: string;
  params: string[];
  query: Array<{ name: string; schema: TJsonSchema }>;
  body: TJsonSchema | null;
  /** `security: []` in the document: callable without signing in. */
  public: boolean;
}

export interface TJsonSchema {
  type?: string | string[];
  properties?: Record<string, TJsonSchema>;
  required?: string[];
  items?: TJsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  allOf?: TJsonSchema[];
  anyOf?: TJsonSchema[];
  oneOf?: TJsonSchema[];
  default?: unknown;
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route the API documents, read from the served OpenAPI document, so a route added later
 * is covered (or flagged as undeclared) without touching these tests.
 */
export async function listRoutes(app: FastifyInstance): Promise<TRoute[]> {
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as { paths: Record<string, Record<string, Record<string, unknown>>>; security?: unknown[] };
  const routes: TRoute[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase() as TRoute['method'];
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
      const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; schema: TJsonSchema }>;
      const content = (op.requestBody as { content?: Record<string, { schema: TJsonSchema }> } | undefined)?.content;
      const security = op.security as unknown[] | undefined;
      routes.push({
        method,
        path,
        key: `${method} ${path}`,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: content?.['application/json']?.schema ?? null,
        public: Array.isArray(security) && security.length === 0,
      });
    }
  }
  return routes;
}

/** `/api/x/{id}` with each parameter replaced (URL-encoded). */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${path}`);
    return encodeURIComponent(value);
  });
}

/** Columns the system updates on its own, outside any request's effect (best-effort bookkeeping). */
const VOLATILE: Record<string, string[]> = { ApiToken: ['lastUsedAt'] };

/**
 * Row count and content hash of every table Prisma knows (the list comes from the generated
 * client, so new models are included): equal snapshots mean nothing was created, changed or
 * deleted, which row counts alone cannot show (a password reset changes no count). One statement
 * that hashes in the database: reading every row into the test (thousands of audit rows by the end
 * of the matrix) made each snapshot cost more than the request it watched.
 */
export async function snapshot(prisma: TPrisma): Promise<Record<string, { rows: number; hash: string }>> {
  const perTable = Object.values(Prisma.ModelName).map((model) => {
    const volatile = (VOLATILE[model] ?? []).map((column) => ` - '${column}'`).join('');
    return Prisma.sql`SELECT ${model}::text AS "table", count(*)::int AS "rows", coalesce(md5(string_agg(r.h, ',' ORDER BY r.h)), '') AS "hash"
      FROM (SELECT md5((to_jsonb(x)${Prisma.raw(volatile)})::text) AS h FROM ${rawTable(prisma, model)} x) r`;
  });
  const rows = await prisma.$queryRaw<Array<{ table: string; rows: number; hash: string }>>(Prisma.join(perTable, ' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.table, { rows: r.rows, hash: r.hash }]));
}

/** Row count of every table Prisma knows, in one statement (a property run checks after every input). */
export async function rowCounts(prisma: TPrisma): Promise<Record<string, number>> {
  const perTable = Object.values(Prisma.ModelName).map(
    (model) => Prisma.sql`SELECT ${model}::text AS "table", count(*)::int AS "rows" FROM ${rawTable(prisma, model)}`,
  );
  const rows = await prisma.$queryRaw<Array<{ table: string; rows: number }>>(Prisma.join(perTable, ' UNION ALL '));
  return Object.fromEntries(Object.values(Prisma.ModelName).map((m) => [m, rows.find((r) => r.table === m)!.rows]));
}

/** Which tables differ between two snapshots (empty: nothing changed). */
export function changedTables(before: Awaited<ReturnType<typeof snapshot>>, after: Awaited<ReturnType<typeof snapshot>>): string[] {
  return Object.keys(after).filter((t) => before[t]?.hash !== after[t]!.hash);
}

/** The error envelope every refusal must carry. */
export function errorCodeOf(res: LightMyRequestResponse): string | undefined {
  try {
    const code = (res.json() as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export const authHeader = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
