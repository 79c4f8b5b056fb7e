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
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw new Error(`Embedded PostgreSQL could not listen on ${host}:${opts.port} (${(err as Error).message}). Set PGLITE_PORT to a free port, or DATABASE_URL to use another PostgreSQL.`);
  }
  return {
    url: `postgresql://postgres:postgres@${host}:${opts.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
