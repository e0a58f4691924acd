import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectDatabase } from '../../infra/db/connect.js';
import { migrateToLatest } from '../../infra/db/migrate.js';
import { ApiClient } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';

/** While Postgres is down the API says so with 503 and Retry-After, then recovers by itself. */
describe('a database outage', () => {
  let cluster: PostgresCluster;
  let temporal: TemporalFixture;
  let pipeline: Pipeline;

  before(async () => {
    [cluster, temporal] = await Promise.all([startPostgresCluster(), startTemporalFixture()]);
    await cluster.createDatabase('vivid');
    pipeline = await startPipeline(temporal, {
      name: 'postgres',
      async open() {
        const db = connectDatabase(cluster.url('vivid'), 4);
        await migrateToLatest(db);
        return { db, close: () => db.destroy() };
      },
    });
  });
  after(async () => {
    await cluster?.up().catch(() => {});
    await pipeline?.stop();
    await temporal?.stop();
    await cluster?.stop();
  });

  test('answers 503 with Retry-After while Postgres is down, and 200 once it is back', async () => {
    const { apiKey } = await pipeline.newAccount(100);
    const api = new ApiClient(pipeline.api.url, apiKey);
    assert.equal((await api.usage()).status, 200);

    await cluster.down();
    for (const res of [await api.usage(), await api.history(), await api.generate({ prompt: 'during the outage' })]) {
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.equal(res.headers.get('retry-after'), '5');
      assert.match(String((res.body as { error?: unknown }).error), /briefly unavailable/);
      assert.equal((res.body as { code?: unknown }).code, 'unavailable');
    }

    await cluster.up();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await api.usage()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200);
  });
});
