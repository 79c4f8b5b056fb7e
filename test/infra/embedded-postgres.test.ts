import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type TEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { freePort } from '../../src/infra/processes';

let db: TEmbeddedPostgres;
beforeAll(async () => {
  db = await startEmbeddedPostgres({ port: await freePort() });
});
afterAll(async () => {
  await db?.stop();
});

describe('embedded PostgreSQL under concurrent clients', () => {
  it('answers every parameterised query with its own result when many connections interleave', async () => {
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: db.url, max: 6 }));
    try {
      const n = 300;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => pools[i % pools.length].query('SELECT $1::int AS v, $2::text AS s', [i, `row-${i}`])),
      );
      const wrong = results.map((r, i) => (r.rows[0]?.v === i && r.rows[0]?.s === `row-${i}` ? null : i)).filter((x) => x !== null);
      expect(wrong).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('answers correctly while other connections run transactions', async () => {
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: db.url, max: 6 }));
    try {
      await pools[0].query('CREATE TABLE IF NOT EXISTS tx_load (v int)');
      const txs = Array.from({ length: 40 }, async (_, i) => {
        const c = await pools[i % 3].connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO tx_load VALUES ($1)', [i]);
          await c.query('SELECT count(*) FROM tx_load WHERE v = $1', [i]);
          await c.query('COMMIT');
        } finally {
          c.release();
        }
      });
      const reads = Array.from({ length: 300 }, (_, i) => pools[(i + 1) % 3].query('SELECT $1::int AS v, $2::text AS s', [i, `row-${i}`]));
      const results = await Promise.all(reads);
      await Promise.all(txs);
      const wrong = results.map((r, i) => (r.rows[0]?.v === i && r.rows[0]?.s === `row-${i}` ? null : i)).filter((x) => x !== null);
      expect(wrong).toEqual([]);
      expect((await pools[0].query('SELECT count(*)::int AS c FROM tx_load')).rows[0].c).toBe(40);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('keeps a transaction on one connection isolated from another connection', async () => {
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('CREATE TABLE IF NOT EXISTS iso (v int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO iso VALUES ($1)', [1]);
      const seen = b.query('SELECT count(*)::int AS c FROM iso');
      await a.query('ROLLBACK');
      expect((await seen).rows[0].c).toBe(0);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
