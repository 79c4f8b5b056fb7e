import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
// In this order: the chain's one-time backfill switches the append-only trigger off and on again.
const POST_MIGRATION_SQL = ['prisma/sql/audit-append-only.sql', 'prisma/sql/audit-chain.sql'];

/**
 * `prisma migrate deploy` against a URL, then the idempotent SQL the migration runner cannot
 * express. Asynchronous on purpose: when the database is the embedded PGlite served by this very
 * process, a blocking call would deadlock it.
 */
export async function migrateDeploy(url: string): Promise<void> {
  try {
    await run(path.join(ROOT, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`prisma migrate deploy failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  await applyPostMigrationSql(url);
}

/** Runs the post-migration SQL, optionally inside one schema (tests isolate files by schema). */
export async function applyPostMigrationSql(url: string, schema?: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (schema) await client.query(`SET search_path TO "${schema}"`);
    for (const file of POST_MIGRATION_SQL) await client.query(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  } finally {
    await client.end();
  }
}
