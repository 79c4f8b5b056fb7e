import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface TEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite (PostgreSQL in WebAssembly) persisted to a folder and served on loopback, so Prisma,
 * the Prisma CLI and psql reach it like any PostgreSQL. Only this process may open the folder.
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number; host?: string }): Promise<TEmbeddedPostgres> {
  const host = opts.host ?? '127.0.0.1';
  let db: PGlite;
  if (opts.dataDir) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    db = await PGlite.create(opts.dataDir);
  } else {
    db = await PGlite.create();
  }
  // Without maxConnections a second pooled connection is dropped (stack notes).
  const server = new PGLiteSocketServer({ db, host, port: opts.port, maxConnections: 32 });
  serializeExtendedProtocol(server);
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw new Error(
      `Embedded PostgreSQL could not listen on ${host}:${opts.port} (${(err as Error).message}). Set PGLITE_PORT to a free port, or DATABASE_URL to use another PostgreSQL.`,
    );
  }
  return {
    url: `postgresql://postgres:postgres@${host}:${opts.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

interface TQueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface TQueryQueue {
  queue: TQueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
}

// Protocol messages after which another connection may take its turn: Sync ends an extended-
// protocol sequence, Query is a whole simple query, Terminate ends the session, and a startup
// message (no type byte: its first byte is the high byte of its length) stands alone.
const SEQUENCE_ENDS = new Set([0x53 /* S */, 0x51 /* Q */, 0x58 /* X */, 0x00]);

/**
 * PGlite is one PostgreSQL session shared by every socket connection. pglite-socket 0.2.17 keeps
 * a transaction on its connection, but outside a transaction it interleaves the messages of an
 * extended-protocol query (Parse, Bind, Execute … Sync) with other connections' messages, so one
 * client's Bind can land on another's unnamed statement: wrong rows or `portal "" does not exist`
 * under concurrent load (reproduced in test/infra/embedded-postgres.test.ts). This replaces the
 * queue's scheduler so a connection keeps its turn from its first message to its Sync.
 */
function serializeExtendedProtocol(server: PGLiteSocketServer): void {
  const internals = server as unknown as { queryQueue: TQueryQueue; handlers: Set<{ handlerId: number }> };
  const q = internals.queryQueue;
  let owner: number | null = null;
  const isConnected = (id: number) => [...internals.handlers].some((h) => h.handlerId === id);
  q.processQueue = async function processQueue(this: TQueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const holder = this.db.isInTransaction() && this.lastHandlerId ? this.lastHandlerId : owner;
        const index = holder === null ? 0 : this.queue.findIndex((m) => m.handlerId === holder);
        if (index === -1) {
          // The holder's next message has not arrived yet; wait for it, unless it hung up.
          if (holder === owner && owner !== null && !isConnected(owner)) {
            owner = null;
            continue;
          }
          break;
        }
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          owner = null;
          item.reject(err);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        owner = SEQUENCE_ENDS.has(item.message[0]) ? null : item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
