/** The API alone, for deployments that run it apart from the workers (`npm run api`). */
import { startApiServer } from './api-server.js';
import { openRuntime } from './runtime.js';
import { requireTemporalAddress, runService } from './service.js';

await runService('api', async (config, log, onStop) => {
  const runtime = await openRuntime(config, requireTemporalAddress(config, 'The API'));
  onStop('the database and Temporal connections', () => runtime.close());
  const api = await startApiServer(config, runtime, log);
  onStop('the API (open requests)', () => api.close());
  log.info('API listening', { url: `${api.url}/api/v1` });
});
