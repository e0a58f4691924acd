import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Vivid Flow reads, parsed once from the environment. Nothing else in the
 * product reads process.env: components receive the slice of this object they need.
 */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z.string().trim().min(1).optional();

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
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
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
  readonly veoPollIntervalSeconds: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
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
    veoPollIntervalSeconds: e.VEO_POLL_INTERVAL_SECONDS,
    logLevel: e.LOG_LEVEL,
  });
}
