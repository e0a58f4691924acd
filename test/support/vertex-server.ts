/**
 * A local server that speaks Vertex AI's REST wire format for Veo, so tests drive the real
 * @google/genai client (pointed here by VEO_BASE_URL) without a Google account:
 *   POST {base}/{version}/[projects/{p}/locations/{l}/]publishers/google/models/{model}:predictLongRunning
 *   POST {base}/{version}/{model resource}:fetchPredictOperation  {operationName}
 * Results come back inline (`bytesBase64Encoded`) or, when the request had `storageUri`, as a
 * `gcsUri` object the server wrote into the GCS emulator. Each test picks a scenario; the
 * server counts submissions and polls.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Storage } from '@google-cloud/storage';

export interface VertexScenario {
  /** The first N submissions answer this HTTP status (429, 500…) before one is accepted. */
  readonly failSubmits?: { readonly times: number; readonly status: number };
  /** The first N polls of each operation answer this HTTP status. */
  readonly failPolls?: { readonly times: number; readonly status: number };
  /** Every submission is refused with this 4xx and Google-style message. */
  readonly rejectSubmit?: { readonly status: number; readonly message: string };
  /** Polls an operation needs before it is done (default 1: done at the first poll). */
  readonly pollsNeeded?: number;
  /** How the finished operation ends (default 'video'). */
  readonly outcome?: 'video' | 'error' | 'filtered';
}

export interface RecordedSubmission {
  readonly path: string;
  readonly body: { instances: Array<Record<string, unknown>>; parameters: Record<string, unknown> };
  readonly headers: http.IncomingHttpHeaders;
  readonly operationName: string | undefined;
}

export interface VertexServer {
  /** Base URL for VEO_BASE_URL. */
  readonly url: string;
  readonly submissions: RecordedSubmission[];
  /** Polls per operation name (including failed ones). */
  readonly polls: Map<string, number>;
  /** Submission attempts that reached the server, accepted or not. */
  submitAttempts: number;
  /** The scenario for a submission, chosen by its request (e.g. a marker in the prompt). */
  scenario: (prompt: string) => VertexScenario;
  /** Runs before each poll is answered (e.g. to kill a worker mid-job). */
  onPoll: (operationName: string, count: number) => void | Promise<void>;
  stop(): Promise<void>;
}

export const FILTERED_REASONS = ['The video was filtered because it may violate our policies. Support code: 17301594.'];
export const OPERATION_ERROR = 'Internal error while generating the video. Support code: 29310472.';

export async function startVertexServer(options: {
  /** The MP4 every successful operation returns. */
  readonly video: Buffer;
  /** Accepted credentials: an express-mode key (`x-goog-api-key`) and/or a bearer token. */
  readonly apiKey?: string;
  readonly bearerToken?: string;
  /** For `storageUri` requests: the GCS emulator to write results into. */
  readonly gcsEndpoint?: string;
}): Promise<VertexServer> {
  const operations = new Map<string, { scenario: VertexScenario; storageUri: string | undefined; polls: number }>();
  const gcs = options.gcsEndpoint ? new Storage({ apiEndpoint: options.gcsEndpoint, projectId: 'vivid-test' }) : undefined;
  // Failures counted per scenario chooser and prompt, so each test's `scenario = …` (or prompt) starts afresh.
  const failedSubmits = new WeakMap<object, Map<string, number>>();

  const state: VertexServer = {
    url: '',
    submissions: [],
    polls: new Map(),
    submitAttempts: 0,
    scenario: () => ({}),
    onPoll: () => {},
    stop: async () => {},
  };

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const googleError = (res: http.ServerResponse, status: number, message: string): void => {
    const names: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
    send(res, status, { error: { code: status, message, status: names[status] ?? 'UNKNOWN' } });
  };

  const authorized = (req: http.IncomingMessage): boolean =>
    (options.apiKey !== undefined && req.headers['x-goog-api-key'] === options.apiKey) ||
    (options.bearerToken !== undefined && req.headers.authorization === `Bearer ${options.bearerToken}`);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST') return googleError(res, 404, `No route for ${req.method} ${path}`);
    if (!authorized(req)) return googleError(res, 401, 'Request had invalid authentication credentials.');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;

    const submit = /^\/v1(?:beta1)?\/((?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/[^/:]+):predictLongRunning$/.exec(path);
    if (submit) {
      state.submitAttempts++;
      const instances = (body.instances ?? []) as Array<Record<string, unknown>>;
      const parameters = (body.parameters ?? {}) as Record<string, unknown>;
      const scenario = state.scenario(String(instances[0]?.prompt ?? ''));
      if (scenario.rejectSubmit) {
        state.submissions.push({ path, body: { instances, parameters }, headers: req.headers, operationName: undefined });
        return googleError(res, scenario.rejectSubmit.status, scenario.rejectSubmit.message);
      }
      const prompt = String(instances[0]?.prompt ?? '');
      const counts = failedSubmits.get(state.scenario) ?? new Map<string, number>();
      failedSubmits.set(state.scenario, counts);
      const failed = counts.get(prompt) ?? 0;
      if (scenario.failSubmits && failed < scenario.failSubmits.times) {
        counts.set(prompt, failed + 1);
        return googleError(res, scenario.failSubmits.status, scenario.failSubmits.status === 429 ? 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.' : 'Internal error encountered.');
      }
      const operationName = `${submit[1]}/operations/${randomUUID()}`;
      operations.set(operationName, { scenario, storageUri: typeof parameters.storageUri === 'string' ? parameters.storageUri : undefined, polls: 0 });
      state.submissions.push({ path, body: { instances, parameters }, headers: req.headers, operationName });
      return send(res, 200, { name: operationName });
    }

    const poll = /^\/v1(?:beta1)?\/(.+):fetchPredictOperation$/.exec(path);
    if (poll) {
      const name = String(body.operationName ?? '');
      const op = operations.get(name);
      if (!op || !name.startsWith(`${poll[1]}/operations/`)) return googleError(res, 404, `Operation ${name} not found.`);
      op.polls++;
      state.polls.set(name, op.polls);
      await state.onPoll(name, op.polls);
      const failures = op.scenario.failPolls?.times ?? 0;
      if (op.polls <= failures) return googleError(res, op.scenario.failPolls!.status, 'The service is currently unavailable.');
      if (op.polls - failures < (op.scenario.pollsNeeded ?? 1)) return send(res, 200, { name, metadata: { '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.GenerateVideoOperationMetadata' } });
      const outcome = op.scenario.outcome ?? 'video';
      if (outcome === 'error') return send(res, 200, { name, done: true, error: { code: 13, message: OPERATION_ERROR } });
      const responseType = 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse';
      if (outcome === 'filtered') {
        return send(res, 200, { name, done: true, response: { '@type': responseType, raiMediaFilteredCount: 1, raiMediaFilteredReasons: FILTERED_REASONS } });
      }
      if (op.storageUri) {
        if (!gcs) return googleError(res, 400, 'storageUri given but the test server has no GCS emulator.');
        const m = /^gs:\/\/([^/]+)\/(.*)$/.exec(op.storageUri);
        if (!m) return googleError(res, 400, `Invalid storageUri ${op.storageUri}`);
        const objectName = `${m[2]}${m[2]!.endsWith('/') || m[2] === '' ? '' : '/'}${name.split('/').pop()}/sample_0.mp4`;
        await gcs.bucket(m[1]!).file(objectName).save(options.video, { contentType: 'video/mp4', resumable: false });
        return send(res, 200, { name, done: true, response: { '@type': responseType, videos: [{ gcsUri: `gs://${m[1]}/${objectName}`, mimeType: 'video/mp4' }] } });
      }
      return send(res, 200, { name, done: true, response: { '@type': responseType, videos: [{ bytesBase64Encoded: options.video.toString('base64'), mimeType: 'video/mp4' }] } });
    }
    return googleError(res, 404, `No route for ${path}`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => googleError(res, 500, err instanceof Error ? err.message : String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
