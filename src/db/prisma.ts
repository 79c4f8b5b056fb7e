import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { traceSql } from '../observability/sql-tracing';
import { countingCommittedAuditRows } from '../observability/audit-row-counter';

export type TPrisma = PrismaClient;

/** The schema each client was made for: raw SQL must name it, the adapter sets no search_path. */
const schemas = new WeakMap<PrismaClient, string>();

/**
 * Prisma Client on the pg driver adapter (no native query engine). `schema` isolates a test file
 * in its own PostgreSQL schema; production uses `public`.
 */
export function createPrisma(opts: { url: string; schema?: string; poolSize?: number }): PrismaClient {
  const adapter = new PrismaPg({ connectionString: opts.url, max: opts.poolSize ?? 10 }, opts.schema ? { schema: opts.schema } : undefined);
  const client = new PrismaClient({ adapter: traceSql(releaseLostTransactions(adapter)) });
  schemas.set(client, opts.schema ?? 'public');
  countAuditRowsOnCommit(client);
  return client;
}

/**
 * An interactive transaction's audit rows are counted for the worker's metrics once it committed
 * (src/observability/audit-row-counter.ts); a batch `$transaction([...])` writes none through
 * `writeAuditEvent` and is passed through as it is.
 */
function countAuditRowsOnCommit(client: PrismaClient): void {
  const transaction = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const counted = (arg: unknown, options?: unknown) =>
    typeof arg === 'function' ? countingCommittedAuditRows(() => transaction(arg, options)) : transaction(arg, options);
  client.$transaction = counted as PrismaClient['$transaction'];
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

/**
 * Prisma 6.19's transaction manager ends an interactive transaction by sending COMMIT or ROLLBACK
 * through it and only then hands its connection back to the pool. When the connection was lost
 * meanwhile (the database restarted, the network dropped) that statement throws, the hand-back
 * never happens, and the pool stays one connection short for good: after `poolSize` such losses
 * every query waits forever (test/faults/lost-connection-pool.test.ts). Hand the connection back
 * whatever the statement did; the pool discards a broken one.
 */
function releaseLostTransactions(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await startTransaction(isolationLevel);
      let released = false;
      const once = (release: () => Promise<void>) => async () => {
        if (released) return;
        released = true;
        await release();
      };
      tx.commit = once(tx.commit.bind(tx));
      tx.rollback = once(tx.rollback.bind(tx));
      const executeRaw = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (err) {
          if (query.sql === 'COMMIT' || query.sql === 'ROLLBACK') await tx.rollback();
          throw err;
        }
      };
      return tx;
    };
    return adapter;
  };
  return factory;
}
