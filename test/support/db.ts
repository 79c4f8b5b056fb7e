import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrisma, type TPrisma } from '../../src/db/prisma';
import { applyPostMigrationSql } from '../../src/db/migrate';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * A fresh PostgreSQL schema with every migration applied, for one test file: files never see each
 * other's rows, on PGlite (one database) and on a real server alike. `before` runs SQL just before
 * the named migration, to leave rows the way an older release wrote them. `public: true` instead
 * uses the schema global setup migrated, which is the only one a process started from
 * src/worker.ts or src/server.ts (a DATABASE_URL, no schema) can use; it is left in place afterwards.
 */
export async function createTestDatabase(
  opts: { before?: { migration: string; sql: string }; public?: boolean } = {},
): Promise<{ prisma: TPrisma; schema: string; url: string; drop(): Promise<void> }> {
  const url = inject('databaseUrl');
  if (opts.public) {
    const prisma = createPrisma({ url, poolSize: 4 });
    return { prisma, schema: 'public', url, drop: () => prisma.$disconnect() };
  }
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
    const dir = path.join(ROOT, 'prisma/migrations');
    for (const m of fs
      .readdirSync(dir)
      .filter((d) => fs.statSync(path.join(dir, d)).isDirectory())
      .sort()) {
      if (opts.before?.migration === m) await client.query(opts.before.sql);
      const sql = fs.readFileSync(path.join(dir, m, 'migration.sql'), 'utf8').replace('CREATE SCHEMA IF NOT EXISTS "public";', '');
      await client.query(sql);
    }
  } finally {
    await client.end();
  }
  await applyPostMigrationSql(url, schema);
  const prisma = createPrisma({ url, schema, poolSize: 4 });
  return {
    prisma,
    schema,
    url,
    async drop() {
      await prisma.$disconnect();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}
