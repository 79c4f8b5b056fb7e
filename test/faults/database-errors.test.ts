/**
 * Every way Prisma reports a database it cannot reach leaves the API as 503 DATABASE_UNAVAILABLE
 * (src/http/errors.ts), and errors that are not about reaching it keep their own answer. The
 * errors are real: Prisma on the pg adapter against a closed port, a listener that hangs up, and
 * the real database behind a proxy that cuts it mid-transaction.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type TPrisma } from '../../src/db/prisma';
import { toAppError } from '../../src/http/errors';
import { createTestDatabase } from '../support/db';
import { startTcpProxy, type TTcpProxy } from './support/tcp-proxy';

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
const answerTo = (err: unknown) => ({ status: toAppError(err).status, ...toAppError(err).toJSON().error });
const UNAVAILABLE = { status: 503, code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/database is unreachable/), details: [] };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: TTcpProxy;
let proxied: TPrisma;
let closedPort: number;
let hangUp: net.Server;

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  proxied = createPrisma({ url: proxy.via(db.url), schema: db.schema, poolSize: 2 });
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  hangUp = net.createServer((socket) => socket.destroy());
  await new Promise<void>((r) => hangUp.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  proxy?.restore();
  await proxied?.$disconnect();
  await proxy?.close();
  await new Promise((r) => hangUp?.close(r));
  await db?.drop();
});

describe('a database the API cannot reach is 503 DATABASE_UNAVAILABLE', () => {
  it.each([
    ['nothing listening (model query)', () => 'closed', (p: TPrisma) => p.user.findFirst()],
    ['nothing listening (raw query: P2010 wrapping the adapter error)', () => 'closed', (p: TPrisma) => p.$queryRawUnsafe('SELECT 1')],
    ['nothing listening (transaction)', () => 'closed', (p: TPrisma) => p.$transaction(async (tx) => tx.user.findFirst())],
    ['hung up while connecting', () => 'hangup', (p: TPrisma) => p.user.findFirst()],
    ['hung up while connecting (raw query)', () => 'hangup', (p: TPrisma) => p.$queryRawUnsafe('SELECT 1')],
  ])('%s', async (_label, where, query) => {
    const port = where() === 'closed' ? closedPort : (hangUp.address() as net.AddressInfo).port;
    const prisma = createPrisma({ url: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    try {
      expect(answerTo(await failureOf(query(prisma)))).toEqual(UNAVAILABLE);
    } finally {
      await prisma.$disconnect();
    }
  });

  it.each([
    ['in a statement', /SELECT 2/],
    ['at COMMIT (a bare driver-adapter error)', /COMMIT/],
  ])('connection lost inside a transaction, %s', async (_label, at) => {
    const sprung = proxy.trap({ when: /SELECT 1/, then: at, hold: 'request' });
    const tx = failureOf(
      proxied.$transaction(async (t) => {
        await t.$queryRawUnsafe('SELECT 1');
        await t.$queryRawUnsafe('SELECT 2');
      }),
    );
    await sprung;
    proxy.cut();
    expect(answerTo(await tx)).toEqual(UNAVAILABLE);
    // While cut off, new connections are reset: the same answer.
    expect(answerTo(await failureOf(proxied.user.count()))).toEqual(UNAVAILABLE);
    proxy.restore();
    expect(await proxied.user.count()).toBe(0);
  });

  it('errors that are not about reaching the database are not 503', async () => {
    const unit = { id: 'c-x', name: '县', level: 'COUNTY' as const, path: '/c-x/' };
    await proxied.orgUnit.create({ data: unit });
    const duplicate = await failureOf(proxied.orgUnit.create({ data: unit }));
    const syntax = await failureOf(proxied.$queryRawUnsafe('SELEC 1'));
    const outOfRange = await failureOf(proxied.$queryRawUnsafe('SELECT (2^40)::int'));
    expect([duplicate, syntax, outOfRange].map((err) => answerTo(err).status)).toEqual([500, 500, 500]);
  });
});
