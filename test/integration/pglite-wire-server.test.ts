import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PgliteWireServer } from '../../infra/db/pglite-wire-server.js';

describe('PGlite over the wire to many connections', () => {
  let db: PGlite;
  let server: PgliteWireServer;
  let pool: pg.Pool;
  let url: string;

  before(async () => {
    db = await PGlite.create();
    server = new PgliteWireServer(db);
    const port = await server.listen();
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    pool = new pg.Pool({ connectionString: url, max: 20 });
    await pool.query('create table counters (id int primary key, n int not null)');
    await pool.query('insert into counters values (1, 0)');
  });
  after(async () => {
    await pool.end();
    await server.close();
    await db.close();
  });

  test('concurrent parameterized queries of different shapes never meet each other', async () => {
    // Different parameter counts: a Bind that met another connection's Parse would fail loudly.
    const queries = Array.from({ length: 600 }, (_, i) =>
      i % 3 === 0
        ? pool.query<{ v: number }>('select $1::int as v', [i]).then((r) => assert.equal(r.rows[0]!.v, i))
        : i % 3 === 1
          ? pool.query<{ v: number }>('select $1::int + $2::int as v', [i, 1]).then((r) => assert.equal(r.rows[0]!.v, i + 1))
          : pool.query<{ v: string }>('select $1::text || $2::text || $3::text as v', ['a', String(i), 'z']).then((r) => assert.equal(r.rows[0]!.v, `a${i}z`)),
    );
    await Promise.all(queries);
  });

  test('transactions are isolated from other connections until they end', async () => {
    const increments = Array.from({ length: 40 }, async () => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query<{ n: number }>('select n from counters where id = $1', [1]);
        await new Promise((r) => setTimeout(r, 1));
        await client.query('update counters set n = $1 where id = $2', [rows[0]!.n + 1, 1]);
        await client.query('commit');
      } finally {
        client.release();
      }
    });
    await Promise.all([...increments, ...Array.from({ length: 100 }, (_, i) => pool.query('select $1::int', [i]))]);
    const { rows } = await pool.query<{ n: number }>('select n from counters where id = 1');
    // Lost updates would show as a smaller count.
    assert.equal(rows[0]!.n, 40);
  });

  test('a client that disconnects inside a transaction has it rolled back', async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    await client.query('begin');
    await client.query('update counters set n = -1 where id = 1');
    // Not ended cleanly: the socket just goes away.
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const { rows } = await pool.query<{ n: number }>('select n from counters where id = 1');
    assert.equal(rows[0]!.n, 40);
  });
});
