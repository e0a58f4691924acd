import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Vivid Flow reads, parsed once from the environment. Nothing else in the
 * product reads process.env: components receive the slice of this object they need.
 */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z.string().trim().min(1).optional();

/**
 * Veo 3.1's model id on Vertex AI (GA):
 * https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/veo/3-1-generate
 */
export const DEFAULT_VEO_MODEL = 'veo-3.1-generate-001';

/**
 * diffusers 0.42's attention backends that work without the Hugging Face hub (its `*_hub` ones
 * fetch kernels at load). `native` is PyTorch SDPA; `sage*` are approximate (int8), the rest exact.
 * A backend whose package is not installed fails at the runtime's load with diffusers' message.
 */
export const WAN_ATTENTION_BACKENDS = [
  'native',
  '_native_flash',
  '_native_cudnn',
  '_native_efficient',
  '_native_math',
  'flex',
  'flash',
  'flash_varlen',
  '_flash_3',
  '_flash_varlen_3',
  'xformers',
  'sage',
  'sage_varlen',
  '_sage_qk_int8_pv_fp8_cuda',
  '_sage_qk_int8_pv_fp8_cuda_sm90',
  '_sage_qk_int8_pv_fp16_cuda',
  '_sage_qk_int8_pv_fp16_triton',
] as const;
const flag = z.enum(['true', 'false', '1', '0'], 'must be true or false').default('false');

const schema = z.object({
  VIVID_DATA_DIR: z.string().min(1).default('.vivid'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  CONTROL_TASK_QUEUE: z.string().min(1).default('vivid-control-v1'),
  WAN_TASK_QUEUE: z.string().min(1).default('vivid-wan-gpu-v1'),
  VEO_TASK_QUEUE: z.string().min(1).default('vivid-veo-v1'),
  GCS_BUCKET: optionalText,
  GCS_API_ENDPOINT: z.url().optional(),
  GCS_PROJECT_ID: optionalText,
  URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  VIDEO_URL_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(3600),
  MAX_IMAGE_BYTES: positiveInt.default(25 * 1024 * 1024),
  VEO_POLL_INTERVAL_SECONDS: positiveInt.max(600).default(10),
  VEO_DEADLINE_SECONDS: positiveInt.max(24 * 3600).default(30 * 60),
  VEO_API_KEY: optionalText,
  GOOGLE_CLOUD_PROJECT: optionalText,
  GOOGLE_CLOUD_LOCATION: optionalText,
  VEO_MODEL: z.string().trim().min(1).default(DEFAULT_VEO_MODEL),
  VEO_BASE_URL: z.url().optional(),
  GOOGLE_APPLICATION_CREDENTIALS: optionalText,
  METADATA_SERVER_DETECTION: z.enum(['assume-present', 'none', 'bios-only', 'ping-only']).optional(),
  WAN_MODEL: z.enum(['tiny'], "must be 'tiny' (the development model); for real weights set WAN_MODEL_DIR").optional(),
  WAN_MODEL_DIR: optionalText,
  WAN_DEVICES: z
    .string()
    .trim()
    .regex(/^(auto|cpu|\d+(,\d+)*)$/, "must be 'auto', 'cpu' or CUDA device indices such as 0,1,2,3")
    .default('auto'),
  WAN_CPU_OFFLOAD: flag,
  WAN_ATTENTION_BACKEND: z.enum(WAN_ATTENTION_BACKENDS, `must be one of ${WAN_ATTENTION_BACKENDS.join(', ')}`).default('native'),
  WAN_COMPILE: flag,
  WAN_FP8: flag,
  WAN_STEP_CACHE: z.coerce
    .number('must be a number from 0 (off) to below 1, e.g. 0.05')
    .min(0, 'must be a number from 0 (off) to below 1, e.g. 0.05')
    .lt(1, 'must be a number from 0 (off) to below 1, e.g. 0.05')
    .default(0),
  WAN_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(7200).default(300),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  SIGNUP: z.enum(['open', 'closed'], "must be 'open' or 'closed'").default('open'),
  SIGNUP_MONTHLY_CREDITS: z.coerce.number().int().min(0).default(100),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(400).default(30),
  SIGNIN_MAX_FAILURES_PER_EMAIL: positiveInt.default(10),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(100),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  readonly dataDir: string;
  readonly http: { readonly host: string; readonly port: number; readonly publicUrl: string };
  /** Unset: an embedded PGlite under the data directory. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly temporal: {
    /** Unset: `npm start` runs a Temporal dev server of its own. */
    readonly address: string | undefined;
    readonly namespace: string;
    readonly devPort: number;
    readonly uiPort: number;
  };
  readonly queues: { readonly control: string; readonly wan: string; readonly veo: string };
  readonly storage:
    | { readonly kind: 'local'; readonly root: string }
    | { readonly kind: 'gcs'; readonly bucket: string; readonly apiEndpoint: string | undefined; readonly projectId: string | undefined };
  /** Unset: a secret generated once and kept in the data directory. */
  readonly urlSigningSecret: string | undefined;
  readonly videoUrlTtlSeconds: number;
  readonly maxImageBytes: number;
  readonly rateLimitPerMinute: number;
  /** People's accounts: whether anyone may sign up, and what a new account gets. */
  readonly accounts: AccountsConfig;
  readonly veoPollIntervalSeconds: number;
  readonly veoDeadlineSeconds: number;
  /** Google Veo on Vertex AI; `enabled` is false when no Veo credentials are configured. */
  readonly veo: VeoConfig;
  /** The Wan 2.1 GPU worker; `model` is undefined when no Wan model is configured. */
  readonly wan: WanConfig;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export interface AccountsConfig {
  /** `closed`: only operators create accounts (`vivid accounts create`). */
  readonly signup: 'open' | 'closed';
  readonly signupMonthlyCredits: number;
  /** How long a browser stays signed in. */
  readonly sessionTtlSeconds: number;
  /** Failed sign-ins allowed per 15 minutes before 429, per email and per client address. */
  readonly signInLimits: { readonly maxFailuresPerEmail: number; readonly maxFailuresPerIp: number };
}

/** Which Wan weights a Wan worker loads: the tiny random-weight development model, a local folder, or a gs:// prefix synced once. */
export type WanModelSource =
  | { readonly kind: 'tiny' }
  | { readonly kind: 'dir'; readonly dir: string }
  | { readonly kind: 'gcs'; readonly bucket: string; readonly prefix: string };

/** What each option costs in quality: infra/engines/wan/runtime/vivid_wan/speed.py and README's Wan section. */
export interface WanSpeedOptions {
  /** diffusers attention backend; `native` is PyTorch SDPA. */
  readonly attentionBackend: (typeof WAN_ATTENTION_BACKENDS)[number];
  /** torch.compile of the repeated transformer blocks. */
  readonly compile: boolean;
  /** float8 weights and activations in the transformer blocks (CUDA compute capability 8.9+). */
  readonly fp8: boolean;
  /** First Block Cache threshold; 0 is off. */
  readonly stepCache: number;
}

export interface WanConfig {
  readonly model: WanModelSource | undefined;
  /** One runtime per entry: `auto` (CUDA if present, else CPU), `cpu`, or a CUDA device index. */
  readonly devices: readonly string[];
  readonly cpuOffload: boolean;
  /** Speed options of the runtime's transformer; all off by default (exact diffusers output). */
  readonly speed: WanSpeedOptions;
  /** Where the tiny model is built and gs:// weights are synced to. */
  readonly modelCacheDir: string;
  /** How long a stopping worker lets running renders finish before handing them back to Temporal. */
  readonly shutdownGraceSeconds: number;
}

/**
 * How the Veo worker reaches Vertex AI: an API key (Vertex express mode, no project) or
 * application default credentials for a project and location.
 */
export type VeoAuthConfig =
  | { readonly kind: 'apiKey'; readonly apiKey: string }
  | {
      readonly kind: 'adc';
      readonly project: string;
      readonly location: string;
      /** GOOGLE_APPLICATION_CREDENTIALS: a key file, so no metadata server is needed. */
      readonly credentialsFile: string | undefined;
      /** METADATA_SERVER_DETECTION as google-auth-library reads it; unset: decided from the BIOS (no network). */
      readonly metadataServerDetection: 'assume-present' | 'none' | 'bios-only' | 'ping-only' | undefined;
    };

export interface VeoConfig {
  readonly enabled: boolean;
  /** Undefined when `enabled` is false. */
  readonly auth: VeoAuthConfig | undefined;
  readonly model: string;
  /** Another endpoint for the Vertex calls (a proxy, a test server); unset: Google's. */
  readonly baseUrl: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Env = process.env): Config {
  // Empty strings mean "unset", as a shell user would expect of `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(present[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const veo = veoConfig(e);
  const dataDir = path.resolve(e.VIVID_DATA_DIR);
  return Object.freeze({
    dataDir,
    http: Object.freeze({ host: e.HOST, port: e.PORT, publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '') }),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    temporal: Object.freeze({ address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, devPort: e.TEMPORAL_DEV_PORT, uiPort: e.TEMPORAL_UI_PORT }),
    queues: Object.freeze({ control: e.CONTROL_TASK_QUEUE, wan: e.WAN_TASK_QUEUE, veo: e.VEO_TASK_QUEUE }),
    storage: Object.freeze(
      e.GCS_BUCKET
        ? { kind: 'gcs' as const, bucket: e.GCS_BUCKET, apiEndpoint: e.GCS_API_ENDPOINT, projectId: e.GCS_PROJECT_ID }
        : { kind: 'local' as const, root: path.join(dataDir, 'objects') },
    ),
    urlSigningSecret: e.URL_SIGNING_SECRET,
    videoUrlTtlSeconds: e.VIDEO_URL_TTL_SECONDS,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    accounts: Object.freeze({
      signup: e.SIGNUP,
      signupMonthlyCredits: e.SIGNUP_MONTHLY_CREDITS,
      sessionTtlSeconds: e.SESSION_TTL_DAYS * 86_400,
      signInLimits: Object.freeze({ maxFailuresPerEmail: e.SIGNIN_MAX_FAILURES_PER_EMAIL, maxFailuresPerIp: e.SIGNIN_MAX_FAILURES_PER_ADDRESS }),
    }),
    veoPollIntervalSeconds: e.VEO_POLL_INTERVAL_SECONDS,
    veoDeadlineSeconds: e.VEO_DEADLINE_SECONDS,
    veo,
    wan: wanConfig(e, dataDir),
    logLevel: e.LOG_LEVEL,
  });
}

function veoConfig(e: z.output<typeof schema>): VeoConfig {
  const common = { model: e.VEO_MODEL, baseUrl: e.VEO_BASE_URL?.replace(/\/+$/, '') };
  if (e.VEO_API_KEY && e.GOOGLE_CLOUD_PROJECT) {
    throw new ConfigError(
      'Invalid configuration:\n  VEO_API_KEY and GOOGLE_CLOUD_PROJECT are both set: Veo uses either an API key (Vertex express mode) or a project with application default credentials. Unset one.',
    );
  }
  if (e.VEO_API_KEY) {
    return Object.freeze({ enabled: true, auth: Object.freeze({ kind: 'apiKey' as const, apiKey: e.VEO_API_KEY }), ...common });
  }
  if (e.GOOGLE_CLOUD_PROJECT || e.GOOGLE_CLOUD_LOCATION) {
    const missing = e.GOOGLE_CLOUD_PROJECT ? 'GOOGLE_CLOUD_LOCATION' : 'GOOGLE_CLOUD_PROJECT';
    if (!e.GOOGLE_CLOUD_PROJECT || !e.GOOGLE_CLOUD_LOCATION) {
      throw new ConfigError(`Invalid configuration:\n  ${missing}: Veo with application default credentials needs both GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION (e.g. us-central1).`);
    }
    return Object.freeze({
      enabled: true,
      auth: Object.freeze({
        kind: 'adc' as const,
        project: e.GOOGLE_CLOUD_PROJECT,
        location: e.GOOGLE_CLOUD_LOCATION,
        credentialsFile: e.GOOGLE_APPLICATION_CREDENTIALS ? path.resolve(e.GOOGLE_APPLICATION_CREDENTIALS) : undefined,
        metadataServerDetection: e.METADATA_SERVER_DETECTION,
      }),
      ...common,
    });
  }
  return Object.freeze({ enabled: false, auth: undefined, ...common });
}

function wanConfig(e: z.output<typeof schema>, dataDir: string): WanConfig {
  if (e.WAN_MODEL && e.WAN_MODEL_DIR) {
    throw new ConfigError('Invalid configuration:\n  WAN_MODEL and WAN_MODEL_DIR are both set: use WAN_MODEL=tiny for the development model or WAN_MODEL_DIR for real weights, not both.');
  }
  let model: WanModelSource | undefined;
  if (e.WAN_MODEL === 'tiny') model = { kind: 'tiny' };
  else if (e.WAN_MODEL_DIR?.startsWith('gs://')) {
    const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220})\/?(.*)$/.exec(e.WAN_MODEL_DIR);
    if (!match?.[1]) throw new ConfigError(`Invalid configuration:\n  WAN_MODEL_DIR: not a gs://bucket/prefix URL (got ${JSON.stringify(e.WAN_MODEL_DIR)})`);
    model = { kind: 'gcs', bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
  } else if (e.WAN_MODEL_DIR) model = { kind: 'dir', dir: path.resolve(e.WAN_MODEL_DIR) };
  return Object.freeze({
    model: model && Object.freeze(model),
    devices: Object.freeze(e.WAN_DEVICES.split(',')),
    cpuOffload: isTrue(e.WAN_CPU_OFFLOAD),
    speed: Object.freeze({ attentionBackend: e.WAN_ATTENTION_BACKEND, compile: isTrue(e.WAN_COMPILE), fp8: isTrue(e.WAN_FP8), stepCache: e.WAN_STEP_CACHE }),
    modelCacheDir: path.join(dataDir, 'models'),
    shutdownGraceSeconds: e.WAN_SHUTDOWN_GRACE_SECONDS,
  });
}

function isTrue(value: 'true' | 'false' | '1' | '0'): boolean {
  return value === 'true' || value === '1';
}
