import path from 'node:path';
import { z } from 'zod';
import type { Config, Env, TemporalConnectionConfig, VeoConfig, WanConfig, WanModelSource } from './config-shape.js';

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
  TEMPORAL_TLS: flag,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS_CERT_FILE: optionalText,
  TEMPORAL_TLS_KEY_FILE: optionalText,
  VIVID_METRICS_PORT: port.optional(),
  VIVID_TEMPORAL_METRICS_PORT: port.optional(),
  VIVID_WORKFLOW_BUNDLE: optionalText,
  VIVID_WORKER_DEPLOYMENT: z.string().trim().min(1).default('vivid-control'),
  VIVID_BUILD_ID: optionalText,
  SCALER_POOLS: optionalText,
  SCALER_PROJECT: optionalText,
  SCALER_TASK_QUEUE: z.string().min(1).default('vivid-scaler-v1'),
  SCALER_INTERVAL_SECONDS: positiveInt.max(3600).default(15),
  SCALER_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  SCALER_SCALE_UP_LOOKS: positiveInt.max(20).default(2),
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
  ORPHANED_JOB_GRACE_SECONDS: positiveInt.max(24 * 3600).default(120),
  VEO_API_KEY: optionalText,
  GOOGLE_CLOUD_PROJECT: optionalText,
  GOOGLE_CLOUD_LOCATION: optionalText,
  VEO_MODEL: z.string().trim().min(1).default(DEFAULT_VEO_MODEL),
  VEO_BASE_URL: z.url().optional(),
  GOOGLE_APPLICATION_CREDENTIALS: optionalText,
  METADATA_SERVER_DETECTION: z.enum(['assume-present', 'none', 'bios-only', 'ping-only']).optional(),
  WAN_MODEL: z.enum(['tiny', 'none'], "must be 'tiny' (the development model) or 'none' (no Wan worker); for real weights set WAN_MODEL_DIR").optional(),
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
  WAN_PREVIEW_EVERY_STEPS: z.coerce.number('must be a whole number of steps, 0 for none').int('must be a whole number of steps, 0 for none').min(0).max(100).default(5),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  SIGNUP: z.enum(['open', 'closed'], "must be 'open' or 'closed'").default('open'),
  SIGNUP_MONTHLY_CREDITS: z.coerce.number().int().min(0).default(100),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(400).default(30),
  SIGNIN_MAX_FAILURES_PER_EMAIL: positiveInt.default(10),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(100),
  MAX_JOBS_IN_FLIGHT: z.coerce.number().int().min(0).default(20),
  WEBHOOK_HTTP_HOSTS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:[\]-]+(,[A-Za-z0-9.:[\]-]+)*$/, 'must be host names or addresses separated by commas, e.g. localhost,127.0.0.1')
    .optional(),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag,
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(30).default(10),
  WEBHOOK_RETRY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type * from './config-shape.js';

/** One GPU pool as the pool scaler sees it (SCALER_POOLS, written by Terraform). */
const scalerPool = z.object({
  name: z.string().min(1),
  taskQueue: z.string().min(1),
  region: z.string().min(1),
  instanceGroupManager: z.string().min(1),
  gpusPerVm: z.number().int().positive(),
  minVms: z.number().int().min(0),
  maxVms: z.number().int().positive(),
});
export type ScalerPool = z.output<typeof scalerPool>;

export interface ScalerConfig {
  readonly project: string | undefined;
  readonly pools: readonly ScalerPool[];
  readonly taskQueue: string;
  readonly intervalSeconds: number;
  readonly cooldownSeconds: number;
  readonly scaleUpLooks: number;
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
  checkPortsDiffer(e);
  const veo = veoConfig(e);
  const dataDir = path.resolve(e.VIVID_DATA_DIR);
  return Object.freeze({
    dataDir,
    http: Object.freeze({ host: e.HOST, port: e.PORT, publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '') }),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    temporal: Object.freeze({ address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, devPort: e.TEMPORAL_DEV_PORT, uiPort: e.TEMPORAL_UI_PORT, connection: temporalConnection(e) }),
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
    maxJobsInFlight: e.MAX_JOBS_IN_FLIGHT,
    webhooks: Object.freeze({
      httpHosts: Object.freeze(e.WEBHOOK_HTTP_HOSTS ? e.WEBHOOK_HTTP_HOSTS.toLowerCase().split(',') : []),
      allowPrivateTargets: isTrue(e.WEBHOOK_ALLOW_PRIVATE_TARGETS),
      timeoutSeconds: e.WEBHOOK_TIMEOUT_SECONDS,
      retryIntervalSeconds: e.WEBHOOK_RETRY_INTERVAL_SECONDS,
    }),
    veoPollIntervalSeconds: e.VEO_POLL_INTERVAL_SECONDS,
    veoDeadlineSeconds: e.VEO_DEADLINE_SECONDS,
    orphanedJobGraceSeconds: e.ORPHANED_JOB_GRACE_SECONDS,
    veo,
    wan: wanConfig(e, dataDir),
    logLevel: e.LOG_LEVEL,
    metricsPort: e.VIVID_METRICS_PORT,
    temporalMetricsPort: e.VIVID_TEMPORAL_METRICS_PORT,
    workflowBundle: e.VIVID_WORKFLOW_BUNDLE && path.resolve(e.VIVID_WORKFLOW_BUNDLE),
    controlVersioning: e.VIVID_BUILD_ID ? Object.freeze({ deploymentName: e.VIVID_WORKER_DEPLOYMENT, buildId: e.VIVID_BUILD_ID }) : undefined,
    scaler: scalerConfig(e),
  });
}

function scalerConfig(e: z.output<typeof schema>): ScalerConfig {
  let pools: ScalerPool[] = [];
  if (e.SCALER_POOLS) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.SCALER_POOLS);
    } catch {
      throw new ConfigError('Invalid configuration:\n  SCALER_POOLS: not JSON (a list of {name, taskQueue, region, instanceGroupManager, gpusPerVm, minVms, maxVms})');
    }
    const parsed = z.array(scalerPool).safeParse(raw);
    if (!parsed.success) throw new ConfigError(`Invalid configuration:\n  SCALER_POOLS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    pools = parsed.data.filter((p) => p.maxVms >= p.minVms);
    if (pools.length !== parsed.data.length) throw new ConfigError('Invalid configuration:\n  SCALER_POOLS: each pool needs minVms <= maxVms');
  }
  return Object.freeze({
    project: e.SCALER_PROJECT,
    pools: Object.freeze(pools),
    taskQueue: e.SCALER_TASK_QUEUE,
    intervalSeconds: e.SCALER_INTERVAL_SECONDS,
    cooldownSeconds: e.SCALER_COOLDOWN_SECONDS,
    scaleUpLooks: e.SCALER_SCALE_UP_LOOKS,
  });
}

function temporalConnection(e: z.output<typeof schema>): TemporalConnectionConfig {
  if (Boolean(e.TEMPORAL_TLS_CERT_FILE) !== Boolean(e.TEMPORAL_TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE: an mTLS client needs both the certificate and its key.');
  }
  const clientCert = Boolean(e.TEMPORAL_TLS_CERT_FILE);
  return Object.freeze({
    // An API key or a client certificate only travels over TLS (Temporal Cloud requires it).
    tls: isTrue(e.TEMPORAL_TLS) || Boolean(e.TEMPORAL_API_KEY) || clientCert,
    apiKey: e.TEMPORAL_API_KEY,
    clientCertFile: e.TEMPORAL_TLS_CERT_FILE && path.resolve(e.TEMPORAL_TLS_CERT_FILE),
    clientKeyFile: e.TEMPORAL_TLS_KEY_FILE && path.resolve(e.TEMPORAL_TLS_KEY_FILE),
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
    throw new ConfigError('Invalid configuration:\n  WAN_MODEL and WAN_MODEL_DIR are both set: use WAN_MODEL=tiny (the development model) or none, or WAN_MODEL_DIR for real weights, not both.');
  }
  let model: WanModelSource | undefined;
  // With nothing configured the local stack still serves a whole job: on the tiny development model.
  if (e.WAN_MODEL === 'tiny' || (e.WAN_MODEL === undefined && e.WAN_MODEL_DIR === undefined)) model = { kind: 'tiny' };
  else if (e.WAN_MODEL_DIR?.startsWith('gs://')) {
    const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220})\/?(.*)$/.exec(e.WAN_MODEL_DIR);
    if (!match?.[1]) throw new ConfigError(`Invalid configuration:\n  WAN_MODEL_DIR: not a gs://bucket/prefix URL (got ${JSON.stringify(e.WAN_MODEL_DIR)})`);
    model = { kind: 'gcs', bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
  } else if (e.WAN_MODEL_DIR) model = { kind: 'dir', dir: path.resolve(e.WAN_MODEL_DIR) };
  return Object.freeze({
    model: model && Object.freeze(model),
    modelIsDefault: e.WAN_MODEL === undefined && e.WAN_MODEL_DIR === undefined,
    devices: Object.freeze(e.WAN_DEVICES.split(',')),
    cpuOffload: isTrue(e.WAN_CPU_OFFLOAD),
    speed: Object.freeze({ attentionBackend: e.WAN_ATTENTION_BACKEND, compile: isTrue(e.WAN_COMPILE), fp8: isTrue(e.WAN_FP8), stepCache: e.WAN_STEP_CACHE }),
    modelCacheDir: path.join(dataDir, 'models'),
    shutdownGraceSeconds: e.WAN_SHUTDOWN_GRACE_SECONDS,
    previewEverySteps: e.WAN_PREVIEW_EVERY_STEPS,
  });
}

/** Two listeners on one port would fail later, and less clearly: the second bind's EADDRINUSE or a dev server that never answers. */
function checkPortsDiffer(e: z.output<typeof schema>): void {
  const ports: Array<[string, number]> = [['PORT', e.PORT]];
  // The dev server's ports are only bound when the stack runs its own server.
  if (!e.TEMPORAL_ADDRESS) ports.push(['TEMPORAL_DEV_PORT', e.TEMPORAL_DEV_PORT], ['TEMPORAL_UI_PORT', e.TEMPORAL_UI_PORT]);
  for (const [i, [name, value]] of ports.entries()) {
    const other = ports.slice(0, i).find(([, v]) => v === value);
    if (other) throw new ConfigError(`Invalid configuration:\n  ${other[0]} and ${name} are both ${value}: each needs a port of its own.`);
  }
}

function isTrue(value: 'true' | 'false' | '1' | '0'): boolean {
  return value === 'true' || value === '1';
}
