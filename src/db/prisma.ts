import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type TPrisma = PrismaClient;

/**
 * Prisma Client on the pg driver adapter (no native query engine). `schema` isolates a test file
 * in its own PostgreSQL schema; production uses `public`.
 */
export function createPrisma(opts: { url: string; schema?: string; poolSize?: number }): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: opts.url, max: opts.poolSize ?? 10 },
    opts.schema ? { schema: opts.schema } : undefined,
  );
  return new PrismaClient({ adapter });
}
