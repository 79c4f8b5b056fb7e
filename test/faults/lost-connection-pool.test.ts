/**
 * A database connection lost in the middle of an interactive transaction must not cost the pool a
 * connection. Prisma 6.19 hands a transaction's connection back only after its COMMIT or ROLLBACK
 * succeeded; on a lost connection neither can, and before src/db/prisma.ts released it anyway a
 * worker or server that had seen `poolSize` such losses waited forever on every query (and on
 * shutdown). Each case loses more transactions than the pool has connections, then queries.
 */
import { describe, expect, inject, it } from 'vitest';
import { createPrisma, type TPrisma } from '../../src/db/prisma';
import { isDatabaseUnavailable } from '../../src/http/errors';
import { startTcpProxy, type TTcpProxy } from './support/tcp-proxy';

const POOL = 2;

/** What a promise gives within 5 s, or 'no answer': what every query gets once the pool has lost all its connections. */
const within5s = <T>(p: Promise<T>) => Promise.race([p, new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), 5_000))]);

async function withProxy(run: (proxy: TTcpProxy, prisma: TPrisma) => Promise<void>) {
  const target = new URL(inject('databaseUrl'));
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const prisma = createPrisma({ url: proxy.via(target.toString()), poolSize: POOL });
  try {
    await run(proxy, prisma);
    // A pool that lent out a connection for good never ends (a worker would hang on shutdown).
    expect(await within5s(prisma.$disconnect().then(() => 'disconnected'))).toBe('disconnected');
  } finally {
    proxy.restore();
    void within5s(prisma.$disconnect());
    await proxy.close();
  }
}

describe('a connection lost inside a transaction goes back to the pool', () => {
  it.each([
    ['in a statement (the rollback fails too)', /SELECT 2/],
    ['at its COMMIT', /COMMIT/],
  ])('lost %s: the pool keeps every connection', async (_label, at) => {
    await withProxy(async (proxy, prisma) => {
      for (let i = 0; i <= POOL; i += 1) {
        const sprung = proxy.trap({ when: /SELECT 1/, then: at, hold: 'request' });
        const tx = prisma.$transaction(async (t) => {
          await t.$queryRawUnsafe('SELECT 1');
          await t.$queryRawUnsafe('SELECT 2');
        });
        const failed = tx.then(
          () => 'committed',
          (err: Error) => (isDatabaseUnavailable(err) ? 'connection lost' : err.message),
        );
        expect(await within5s(sprung.then(() => 'sent')), `transaction ${i + 1} got a connection`).toBe('sent');
        proxy.cut();
        expect(await failed).toBe('connection lost');
        proxy.restore();
      }
      expect(await within5s(prisma.$queryRawUnsafe('SELECT 3').then(() => 'answered'))).toBe('answered');
    });
  });
});
