import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export type TPrisma = PrismaClient;

/** The schema each client was made for: raw SQL must name it, the adapter sets no search_path. */
const schemas = new WeakMap<PrismaClient, string>();

/**
 * Prisma Client on the pg driver adapter (no native query engine). `schema` isolates a test file
 * in its own PostgreSQL schema; production uses `public`.
 */
export function createPrisma(opts: { url: string; schema?: string; poolSize?: number }): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: opts.url, max: opts.poolSize ?? 10 },
    opts.schema ? { schema: opts.schema } : undefined,
  );
  const client = new PrismaClient({ adapter });
  schemas.set(client, opts.schema ?? 'public');
  return client;
}

/** The PostgreSQL schema this client's tables live in. */
export function databaseSchema(prisma: PrismaClient): string {
  return schemas.get(prisma) ?? 'public';
}

/**
 * A table (or function) of this client's schema for raw SQL: Prisma qualifies its own queries with
 * the adapter's schema, but a raw query would otherwise resolve through the connection's search_path.
 */
export function rawTable(prisma: PrismaClient, name: string): Prisma.Sql {
  const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
  return Prisma.raw(`${quote(databaseSchema(prisma))}.${quote(name)}`);
}
