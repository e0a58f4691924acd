/**
 * The Veo adapter: @google/genai 3.x on Vertex AI (the SDK serves `generateVideos` on Vertex
 * only), authenticated by an API key (Vertex express mode) or by application default
 * credentials for a project and location. Activities see only the `VeoApi` interface.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, GenerateVideosOperation, GoogleGenAI, type GenerateVideosParameters, type GoogleGenAIOptions } from '@google/genai';
import { ConfigError, type VeoAuthConfig, type VeoConfig } from '../../config.js';

/** One look at an operation, reduced to what the job needs. */
export type VeoOperationState =
  | { readonly done: false }
  | {
      readonly done: true;
      readonly error: { readonly code: number | undefined; readonly message: string } | undefined;
      readonly videos: ReadonlyArray<{ readonly gcsUri: string | undefined; readonly bytes: Buffer | undefined; readonly mimeType: string | undefined }>;
      readonly filteredCount: number;
      readonly filteredReasons: readonly string[];
    };

export interface VeoApi {
  /** Starts one operation (billed by Google) and returns its name. */
  submit(params: GenerateVideosParameters): Promise<string>;
  poll(operationName: string): Promise<VeoOperationState>;
}

/** google-auth-library's client type, which the SDK takes. */
type GoogleAuthClient = NonNullable<NonNullable<GoogleGenAIOptions['googleAuthOptions']>['authClient']>;

/** What the SDK asks of an auth client: headers with an `authorization` bearer value. Tests supply one in code. */
export interface VeoAuthClient {
  getRequestHeaders(url?: string): Promise<Headers>;
}

export interface VeoClientOptions {
  /** Credentials in code (tests, or a host that builds its own); skips the ADC checks. */
  readonly authClient?: VeoAuthClient;
  /** Per-request timeout; the SDK itself never retries, Temporal does. */
  readonly timeoutMs?: number;
}

export function createVeoClient(config: VeoConfig, options: VeoClientOptions = {}): GoogleGenAI {
  if (!config.enabled || !config.auth) {
    throw new ConfigError('Veo is not configured: set VEO_API_KEY (Vertex express mode) or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION.');
  }
  const httpOptions = { ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), timeout: options.timeoutMs ?? 60_000 };
  const auth = config.auth;
  if (auth.kind === 'apiKey') {
    return new GoogleGenAI({ vertexai: true, apiKey: auth.apiKey, httpOptions });
  }
  if (!options.authClient) assertApplicationDefaultCredentials(auth);
  return new GoogleGenAI({
    vertexai: true,
    project: auth.project,
    location: auth.location,
    httpOptions,
    googleAuthOptions: options.authClient
      ? { authClient: options.authClient as GoogleAuthClient }
      : auth.credentialsFile
        ? { keyFilename: auth.credentialsFile }
        : undefined,
  });
}

/**
 * Fails fast, naming the variables, when application default credentials could only come from
 * a GCP metadata server on a machine that is not on GCP: google-auth-library would otherwise
 * probe 169.254.169.254 and fail later, slowly, inside a job. Checks only local files; the
 * metadata server is trusted when METADATA_SERVER_DETECTION says so or the BIOS says Google.
 */
export function assertApplicationDefaultCredentials(
  auth: Extract<VeoAuthConfig, { kind: 'adc' }>,
  probe: { exists(file: string): boolean; biosSaysGoogle(): boolean } = { exists: fs.existsSync, biosSaysGoogle },
): void {
  if (auth.credentialsFile) {
    if (!probe.exists(auth.credentialsFile)) {
      throw new ConfigError(`GOOGLE_APPLICATION_CREDENTIALS: no file at ${auth.credentialsFile}.`);
    }
    return;
  }
  if (probe.exists(path.join(os.homedir(), '.config', 'gcloud', 'application_default_credentials.json'))) return;
  const detection = auth.metadataServerDetection;
  if (detection === 'assume-present' || detection === 'ping-only') return;
  if (detection !== 'none' && probe.biosSaysGoogle()) return;
  throw new ConfigError(
    `Veo with GOOGLE_CLOUD_PROJECT=${auth.project} found no application default credentials on this machine, and it is not on GCP` +
      (detection === 'none' ? ' (METADATA_SERVER_DETECTION=none)' : '') +
      ': set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, run `gcloud auth application-default login`, ' +
      'set METADATA_SERVER_DETECTION=assume-present where a GCP metadata server does exist (e.g. Cloud Run), or use VEO_API_KEY instead.',
  );
}

/** google-auth-library's own GCE test, minus the network: the DMI BIOS vendor on Linux. */
function biosSaysGoogle(): boolean {
  try {
    return /Google/.test(fs.readFileSync('/sys/class/dmi/id/bios_vendor', 'utf8')) || /Google/.test(fs.readFileSync('/sys/class/dmi/id/product_name', 'utf8'));
  } catch {
    return false;
  }
}

export function createVeoApi(ai: GoogleGenAI): VeoApi {
  return {
    async submit(params) {
      const operation = await ai.models.generateVideos(params);
      if (!operation.name) throw new Error('Vertex AI accepted the request but returned no operation name.');
      return operation.name;
    },
    async poll(operationName) {
      const ref = new GenerateVideosOperation();
      ref.name = operationName;
      const op = await ai.operations.getVideosOperation({ operation: ref });
      if (!op.done) return { done: false };
      const error = op.error
        ? { code: typeof op.error.code === 'number' ? op.error.code : undefined, message: String(op.error.message ?? JSON.stringify(op.error)) }
        : undefined;
      const response = op.response;
      return {
        done: true,
        error,
        videos: (response?.generatedVideos ?? []).flatMap((g) =>
          g.video && (g.video.uri || g.video.videoBytes)
            ? [{ gcsUri: g.video.uri, bytes: g.video.videoBytes ? Buffer.from(g.video.videoBytes, 'base64') : undefined, mimeType: g.video.mimeType }]
            : [],
        ),
        filteredCount: response?.raiMediaFilteredCount ?? 0,
        filteredReasons: response?.raiMediaFilteredReasons ?? [],
      };
    },
  };
}

/** How a failed call should end: retried (429, 5xx, the network) or failing the job with Google's words. */
export function classifyVeoError(err: unknown): { retryable: boolean; status: number | undefined; message: string } {
  if (err instanceof ApiError) {
    const message = googleMessage(err.message);
    const retryable = err.status === 429 || err.status === 408 || err.status >= 500;
    return { retryable, status: err.status, message };
  }
  return { retryable: true, status: undefined, message: err instanceof Error ? err.message : String(err) };
}

/** Connection errors that mean the request never reached Google (as opposed to a reset mid-way). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * True when a failed submit certainly started nothing at Google: Google answered with an error
 * status, or the connection was never made. A timeout or reset after the request was sent is
 * not: Google may have accepted it.
 */
export function submissionNeverStarted(err: unknown): boolean {
  if (err instanceof ApiError) return true;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
  }
  return false;
}

/** The SDK's ApiError message is Google's JSON error body; its `error.message` is what a user should read. */
function googleMessage(raw: string): string {
  try {
    const body = JSON.parse(raw) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string' && body.error.message) return body.error.message;
  } catch {
    // not JSON: the raw text is the message
  }
  return raw;
}
