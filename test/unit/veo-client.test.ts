import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '@google/genai';
import { ConfigError, loadConfig, type VeoAuthConfig } from '../../infra/config.js';
import { assertApplicationDefaultCredentials, classifyVeoError, createVeoClient } from '../../infra/engines/veo/client.js';
import { isSafetyRefusal } from '../../infra/engines/veo/safety-refusal.js';

const adc = (overrides: Partial<Extract<VeoAuthConfig, { kind: 'adc' }>> = {}): Extract<VeoAuthConfig, { kind: 'adc' }> => ({
  kind: 'adc', project: 'p', location: 'us-central1', credentialsFile: undefined, metadataServerDetection: undefined, ...overrides,
});
const offGcp = { exists: () => false, biosSaysGoogle: () => false };

test('off GCP with no credential file, ADC fails fast naming the variables instead of probing a metadata server', () => {
  assert.throws(() => assertApplicationDefaultCredentials(adc(), offGcp), (err: unknown) =>
    err instanceof ConfigError && /GOOGLE_APPLICATION_CREDENTIALS/.test(err.message) && /VEO_API_KEY/.test(err.message) && /METADATA_SERVER_DETECTION/.test(err.message));
  assert.throws(() => assertApplicationDefaultCredentials(adc({ metadataServerDetection: 'none' }), { exists: () => false, biosSaysGoogle: () => true }), ConfigError);
  assert.throws(() => assertApplicationDefaultCredentials(adc({ credentialsFile: '/nope/key.json' }), offGcp), /GOOGLE_APPLICATION_CREDENTIALS: no file at \/nope\/key\.json/);
});

test('ADC is accepted with a key file, gcloud credentials, on GCP, or when told a metadata server exists', () => {
  assertApplicationDefaultCredentials(adc({ credentialsFile: '/k.json' }), { exists: (f) => f === '/k.json', biosSaysGoogle: () => false });
  assertApplicationDefaultCredentials(adc(), { exists: (f) => f.endsWith('application_default_credentials.json'), biosSaysGoogle: () => false });
  assertApplicationDefaultCredentials(adc(), { exists: () => false, biosSaysGoogle: () => true });
  assertApplicationDefaultCredentials(adc({ metadataServerDetection: 'assume-present' }), offGcp);
});

test('with no Veo credentials there is no client', () => {
  assert.throws(() => createVeoClient(loadConfig({}).veo), /VEO_API_KEY/);
});

test('both auth modes build a Vertex client', () => {
  assert.equal(createVeoClient(loadConfig({ VEO_API_KEY: 'k' }).veo).vertexai, true);
  const withToken = createVeoClient(loadConfig({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1' }).veo, {
    authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer t' }) },
  });
  assert.equal(withToken.vertexai, true);
});

test('429, 408, 5xx and network errors retry; other 4xx do not, and carry Google\'s own message', () => {
  const body = (message: string) => JSON.stringify({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  assert.equal(classifyVeoError(new ApiError({ status: 429, message: body('quota') })).retryable, true);
  assert.equal(classifyVeoError(new ApiError({ status: 503, message: body('down') })).retryable, true);
  assert.equal(classifyVeoError(new ApiError({ status: 408, message: body('slow') })).retryable, true);
  assert.equal(classifyVeoError(new TypeError('fetch failed')).retryable, true);
  const bad = classifyVeoError(new ApiError({ status: 400, message: body('Image is too small.') }));
  assert.deepEqual(bad, { retryable: false, status: 400, message: 'Image is too small.' });
  assert.equal(classifyVeoError(new ApiError({ status: 403, message: 'not json' })).message, 'not json');
});

test("Google's documented safety wording reads as a refusal; an internal error with a support code does not", () => {
  for (const message of [
    "Veo could not generate videos because the input image violates Vertex AI's usage guidelines. If you think this was an error, send feedback. Support codes: 15236754",
    'The prompt could not be submitted. Support code: 58061214.',
    "The prompt couldn't be submitted or it might violate our policies.",
  ]) {
    assert.equal(isSafetyRefusal(message), true, message);
  }
  for (const message of ['Internal error while generating the video. Support code: 29310472.', 'Image resolution is too low for this model.', 'Permission denied on resource project p.']) {
    assert.equal(isSafetyRefusal(message), false, message);
  }
});
