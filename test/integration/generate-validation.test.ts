import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { databaseCases } from '../support/databases.js';
import { ApiClient, type ApiResponse } from '../support/http.js';
import { makeCorruptedPng, makeEncoded, makeJpegHeader, makeLargePng, makePng, makePngBomb, makePngHeaderWithGarbage, makeWebpHeader, truncated } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** A client that notes the id of every job a 202 accepted. */
class CountingClient extends ApiClient {
  readonly accepted: string[] = [];

  override async request<T = Record<string, unknown>>(method: string, route: string, body?: FormData | string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await super.request<T>(method, route, body, headers);
    if (route === '/generate' && res.status === 202) this.accepted.push(String((res.body as Record<string, unknown>).job_id));
    return res;
  }
}

function imageForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(makePng(96, 64))]), 'a.png');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

describe('POST /generate validation', () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;
  /** The running test's client, of an account of its own (set by keepsOnlyAccepted). */
  let api: ApiClient;

  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCases()[0]!, { MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES) });
  });
  after(async () => {
    await pipeline.stop();
    await temporal.stop();
  });

  /** Folders under jobs/ that hold a stored object (a rejected upload may leave its folder empty). */
  async function foldersWithObjects(): Promise<string[]> {
    const root = path.join(pipeline.config.dataDir, 'objects', 'jobs');
    const folders: string[] = [];
    for (const dir of await readdir(root).catch(() => [] as string[])) {
      if ((await readdir(path.join(root, dir)).catch(() => [] as string[])).length > 0) folders.push(dir);
    }
    return folders;
  }

  /**
   * A test body run with an account of its own, then checked: the account has one job per 202 it
   * was answered, and the only uploads stored since the test began are those jobs' — a rejected
   * request keeps neither a job nor its upload, whatever ran before.
   */
  function keepsOnlyAccepted(body: () => Promise<void>) {
    return async () => {
      const { accountId, apiKey } = await pipeline.newAccount(10_000);
      const client = new CountingClient(pipeline.api.url, apiKey);
      const foldersBefore = new Set(await foldersWithObjects());
      api = client;
      await body();
      const jobs = await pipeline.database.db.selectFrom('jobs').select('id').where('account_id', '=', accountId).execute();
      const accepted = [...client.accepted].sort();
      assert.deepEqual(jobs.map((j) => j.id).sort(), accepted, 'one job per 202, none for a rejected request');
      const kept = (await foldersWithObjects()).filter((dir) => !foldersBefore.has(dir)).sort();
      assert.deepEqual(kept, accepted, 'an upload is kept only for an accepted job');
    };
  }

  /** What a refusal must carry besides its message: 400 invalid_parameter naming the field, unless said otherwise. */
  interface Refusal {
    readonly status?: number;
    readonly code?: string;
    /** The parameter the answer names; by default the one the message quotes first. */
    readonly param?: string | undefined;
  }

  async function rejects(fields: Record<string, string>, expected: RegExp | string, image?: Buffer | null, filename?: string, refusal: Refusal = {}) {
    const res = await api.generate(fields, image === undefined ? makePng(96, 64) : image, filename);
    const what = `${JSON.stringify(fields)} → ${res.status} ${JSON.stringify(res.body)}`;
    assert.equal(res.status, refusal.status ?? 400, what);
    if (typeof expected === 'string') assert.equal(res.body.error, expected);
    else assert.match(String(res.body.error), expected);
    assert.equal(res.body.code, refusal.code ?? 'invalid_parameter', what);
    const param = 'param' in refusal ? refusal.param : /'([^']+)'/.exec(String(res.body.error))?.[1];
    assert.equal(res.body.param, param, what);
    assert.equal(res.body.request_id, res.headers.get('x-request-id'), what);
  }

  test('a missing image is 400 "No image file provided"', keepsOnlyAccepted(async () => {
    const missing = { code: 'missing_image', param: 'image' };
    await rejects({ prompt: 'x' }, 'No image file provided', null, undefined, missing);
    const form = new URLSearchParams({ prompt: 'x' });
    const res = await api.request('POST', '/generate', form.toString(), { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /^No image file provided/);
    assert.equal(res.body.code, 'missing_image');
    await rejects({ prompt: 'x' }, 'No image file provided', Buffer.alloc(0), undefined, missing);
  }));

  test('the image is judged by its bytes, not its name: another type is 415', keepsOnlyAccepted(async () => {
    const unsupported = { status: 415, code: 'unsupported_media_type', param: 'image' };
    await rejects({ prompt: 'x' }, "Invalid parameter 'image': the file must be a PNG, JPEG or WebP image.", Buffer.from('GIF89a not allowed'), 'cat.png', unsupported);
    await rejects({ prompt: 'x' }, /Invalid parameter 'image'/, Buffer.from('plain text pretending'), 'photo.jpg', unsupported);
    // A PNG whose header cannot be read is of a type the engines take: a bad parameter, 400.
    await rejects({ prompt: 'x' }, /Invalid parameter 'image': the file could not be read as PNG/, makePng(96, 64).subarray(0, 20));
    for (const [image, name] of [[await makeEncoded('jpeg', 640, 480), 'a.bin'], [await makeEncoded('webp', 300, 500), 'noext'], [makePng(128, 72), 'x.webp']] as const) {
      const res = await api.generate({ prompt: 'fine' }, image, name);
      assert.equal(res.status, 202, `${name}: ${JSON.stringify(res.body)}`);
    }
  }));

  test('an image that does not decode whole is refused at submit, naming image', keepsOnlyAccepted(async () => {
    const undecodable = /^Invalid parameter 'image': the file could not be decoded: it is truncated or corrupted\.$/;
    const jpeg = await makeEncoded('jpeg', 320, 240);
    const webp = await makeEncoded('webp', 320, 240);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated PNG', truncated(makePng(320, 240)), undecodable],
      ['truncated JPEG', truncated(jpeg), undecodable],
      ['truncated WebP', truncated(webp), undecodable],
      ['corrupted PNG', makeCorruptedPng(320, 240), undecodable],
      ['PNG header with garbage after it', makePngHeaderWithGarbage(320, 240), undecodable],
      // Headers only: right size, no picture.
      ['JPEG header without scan data', makeJpegHeader(640, 480), undecodable],
      ['WebP header without image data', makeWebpHeader(300, 500), undecodable],
      ['decompression bomb', makePngBomb(60_000, 60_000), /^Invalid parameter 'image': 60000×60000 is outside 64–8192 pixels a side\.$/],
    ];
    for (const [what, image, expected] of cases) {
      const res = await api.generate({ prompt: what }, image);
      assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(String(res.body.error), expected, what);
      assert.deepEqual([res.body.code, res.body.param], ['invalid_parameter', 'image'], what);
    }
  }));

  test('image size and dimension limits: a file over the limit is 413', keepsOnlyAccepted(async () => {
    await rejects({ prompt: 'x' }, "Invalid parameter 'image': the file exceeds 2 MiB.", makeLargePng(MAX_IMAGE_BYTES + 1000), undefined, { status: 413, code: 'payload_too_large', param: 'image' });
    await rejects({ prompt: 'x' }, /Invalid parameter 'image': 32×32 is outside 64–8192 pixels a side/, makePng(32, 32));
    assert.equal((await api.generate({ prompt: 'x' }, makeLargePng(MAX_IMAGE_BYTES - 1000))).status, 202);
  }));

  test('prompt and model', keepsOnlyAccepted(async () => {
    await rejects({}, "Missing required parameter 'prompt'.");
    await rejects({ prompt: '   ' }, "Invalid parameter 'prompt': must not be empty.");
    await rejects({ prompt: 'x'.repeat(2001) }, "Invalid parameter 'prompt': must be at most 2000 characters.");
    await rejects({ prompt: 'x', model: 'sora' }, "Invalid parameter 'model': must be one of 'wan2.1', 'veo3.1'.");
  }));

  test('every wan2.1 parameter: types, ranges and Wan constraints', keepsOnlyAccepted(async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ cfg: 'high' }, /'cfg': must be a number/],
      [{ cfg: '0.5' }, /'cfg': must be between 1.0 and 20.0/],
      [{ cfg: '20.5' }, /'cfg': must be between 1.0 and 20.0/],
      [{ width: '1280.5' }, /'width': must be an integer/],
      [{ width: '1000' }, /'width': must be a multiple of 16/],
      [{ height: '721' }, /'height': must be a multiple of 16/],
      [{ width: '1920', height: '1088' }, /^Invalid parameters 'width' and 'height': .*exceeds Wan 2.1's largest frame/],
      [{ length: '80' }, /'length': must be of the form 4k\+1/],
      [{ length: '0' }, /'length': must be at least 1/],
      [{ length: '1001' }, /'length': must be at most 161/],
      [{ steps: '0' }, /'steps': must be at least 1/],
      [{ steps: 'ten' }, /'steps': must be an integer/],
      [{ seed: '-1' }, /'seed': must be at least 0/],
      [{ seed: '4294967296' }, /'seed': must be at most 4294967295/],
      [{ negative_prompt: 'n'.repeat(2001) }, /'negative_prompt': must be at most 2000 characters/],
      [{ duration_seconds: '8' }, /Parameter 'duration_seconds' does not apply to model 'wan2.1'/],
    ];
    for (const [fields, message] of cases) await rejects({ prompt: 'x', ...fields }, message);
    const ok = await api.generate({ prompt: 'x', cfg: '1.0', width: '720', height: '1280', length: '5', steps: '1', seed: '0' });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
  }));

  test('every veo3.1 parameter: enumerations and booleans sent as strings', keepsOnlyAccepted(async () => {
    const veo = { prompt: 'x', model: 'veo3.1' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ duration_seconds: '5' }, /'duration_seconds': must be one of '4', '6', '8'/],
      [{ duration_seconds: 'eight' }, /'duration_seconds'/],
      [{ resolution: '4k' }, /'resolution': must be one of '720p', '1080p'/],
      [{ person_generation: 'everyone' }, /'person_generation': must be one of 'allow_adult', 'allow_all', 'deny'/],
      [{ generate_audio: 'maybe' }, /'generate_audio': must be true or false/],
      [{ enhance_prompt: '2' }, /'enhance_prompt': must be true or false/],
      [{ camera_motion: 'c'.repeat(501) }, /'camera_motion': must be at most 500 characters/],
      [{ cfg: '7.5' }, /Parameter 'cfg' does not apply to model 'veo3.1'/],
      [{ width: '1280' }, /Parameter 'width' does not apply to model 'veo3.1'/],
    ];
    for (const [fields, message] of cases) await rejects({ ...veo, ...fields }, message);
    for (const flag of ['true', 'false', 'TRUE', '1', '0']) {
      const res = await api.generate({ ...veo, generate_audio: flag, enhance_prompt: flag, duration_seconds: '8', resolution: '1080p', person_generation: 'deny' });
      assert.equal(res.status, 202, `${flag}: ${JSON.stringify(res.body)}`);
    }
  }));

  test('unknown and repeated parameters are named, never ignored', keepsOnlyAccepted(async () => {
    await rejects({ prompt: 'x', fps: '24' }, "Unknown parameter 'fps'.");
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(makePng(96, 64))]), 'a.png');
    form.append('prompt', 'x');
    form.append('seed', '1');
    form.append('seed', '2');
    const res = await api.request('POST', '/generate', form);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "Parameter 'seed' was sent more than once.");
    assert.deepEqual([res.body.code, res.body.param], ['invalid_parameter', 'seed']);
    const twoImages = new FormData();
    twoImages.append('image', new Blob([new Uint8Array(makePng(96, 64))]), 'a.png');
    twoImages.append('other', new Blob([new Uint8Array(makePng(96, 64))]), 'b.png');
    twoImages.append('prompt', 'x');
    const second = await api.request('POST', '/generate', twoImages);
    assert.equal(second.status, 400);
    assert.match(String(second.body.error), /Unexpected file field 'other'/);
    assert.deepEqual([second.body.code, second.body.param], ['invalid_parameter', 'other']);
    const malformed = await api.request('POST', '/generate', '--nope\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx', { 'Content-Type': 'multipart/form-data; boundary=nope' });
    assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
    assert.deepEqual([malformed.body.code, malformed.body.param], ['invalid_request', undefined]);
  }));

  test('the contract defaults are recorded on the job', keepsOnlyAccepted(async () => {
    const res = await api.generate({ prompt: 'defaults' });
    const job = await pipeline.database.db.selectFrom('jobs').selectAll().where('id', '=', String(res.body.job_id)).executeTakeFirstOrThrow();
    assert.equal(job.model, 'wan2.1');
    assert.deepEqual(
      { ...job.params, image: undefined },
      { prompt: 'defaults', negativePrompt: '', cfg: 7.5, width: 1280, height: 720, length: 81, steps: 30, seed: 42, image: undefined },
    );
    const veo = await api.generate({ prompt: 'defaults', model: 'veo3.1' });
    const veoJob = await pipeline.database.db.selectFrom('jobs').selectAll().where('id', '=', String(veo.body.job_id)).executeTakeFirstOrThrow();
    assert.equal(veoJob.params.durationSeconds, 4);
    assert.equal(veoJob.params.resolution, '720p');
    assert.equal(veoJob.params.personGeneration, 'allow_adult');
    assert.equal(veoJob.params.generateAudio, false);
    assert.equal(veoJob.params.enhancePrompt, false);
  }));

  test('X-Request-Id: a sane one is kept, on the 202, the job record and the log line that accepted it', keepsOnlyAccepted(async () => {
    const requestId = 'client-trace:0042.a_b';
    const res = await api.request('POST', '/generate', imageForm({ prompt: 'traced' }), { 'X-Request-Id': requestId });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.headers.get('x-request-id'), requestId);
    const jobId = String(res.body.job_id);
    const job = await pipeline.database.db.selectFrom('jobs').select('request_id').where('id', '=', jobId).executeTakeFirstOrThrow();
    assert.equal(job.request_id, requestId);
    const line = pipeline.apiLogLines.find((l) => l.message === 'job accepted' && l.jobId === jobId);
    assert.equal(line?.requestId, requestId, JSON.stringify(line));
    // The workflow was handed the id with the job.
    const started = await pipeline.client.workflow.getHandle(jobId).fetchHistory();
    const input = started.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    assert.equal((JSON.parse(Buffer.from(input!).toString('utf8')) as { requestId?: string }).requestId, requestId);

    for (const odd of ['with space', 'x'.repeat(129), 'quote"d', 'semi;colon']) {
      const answered = await api.request('GET', '/usage', undefined, { 'X-Request-Id': odd });
      const id = answered.headers.get('x-request-id');
      assert.ok(id && id !== odd, `${odd} was kept`);
      assert.match(id, /^[0-9a-f-]{36}$/);
    }
    const fresh = await api.request('GET', '/status/00000000-0000-0000-0000-000000000000');
    assert.equal(fresh.status, 404);
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual([fresh.body.code, fresh.body.request_id], ['not_found', fresh.headers.get('x-request-id')]);
  }));
});
