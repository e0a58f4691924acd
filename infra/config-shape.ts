/**
 * The shape of the configuration `loadConfig` returns (see config.ts, the one place that reads
 * and checks the environment). Components import the slice they need.
 */
import type { ScalerConfig, WAN_ATTENTION_BACKENDS } from './config.js';

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
    /** How a cluster is reached: TLS, and a Temporal Cloud API key or an mTLS client certificate. */
    readonly connection: TemporalConnectionConfig;
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
  /** Jobs one account may have PROCESSING at once; 0: no limit. */
  readonly maxJobsInFlight: number;
  readonly webhooks: WebhookConfig;
  readonly veoPollIntervalSeconds: number;
  readonly veoDeadlineSeconds: number;
  /** A PROCESSING job this old whose workflow never started (its API died mid-submit) is failed and refunded. */
  readonly orphanedJobGraceSeconds: number;
  /** Google Veo on Vertex AI; `enabled` is false when no Veo credentials are configured. */
  readonly veo: VeoConfig;
  /** The Wan 2.1 GPU worker; `model` is undefined when no Wan model is configured. */
  readonly wan: WanConfig;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** VIVID_METRICS_PORT: a worker's /healthz, /readyz and /metrics; unset: none (the API serves them on its own port). */
  readonly metricsPort: number | undefined;
  /** VIVID_TEMPORAL_METRICS_PORT: the Temporal SDK's own Prometheus exporter (its Rust core serves it); unset: off. */
  readonly temporalMetricsPort: number | undefined;
  /** VIVID_WORKFLOW_BUNDLE: a workflow bundle built ahead (images); unset: the control worker bundles at start. */
  readonly workflowBundle: string | undefined;
  /**
   * Temporal worker versioning of the control worker: with a build id, it joins deployment
   * `deploymentName` as version `buildId` and runs videoJob PINNED (a job finishes on the code it
   * started on). Unset: unversioned (npm start, tests).
   */
  readonly controlVersioning: { readonly deploymentName: string; readonly buildId: string } | undefined;
  /** The GPU pool scaler (`workers/scaler-main.ts`). */
  readonly scaler: ScalerConfig;
}

export interface TemporalConnectionConfig {
  readonly tls: boolean;
  readonly apiKey: string | undefined;
  readonly clientCertFile: string | undefined;
  readonly clientKeyFile: string | undefined;
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

export interface WebhookConfig {
  /** Hosts a webhook may reach over plain http (lower case); every other target needs https. */
  readonly httpHosts: readonly string[];
  /** Lets webhooks reach private, loopback and link-local addresses (a receiver on the operator's own network). */
  readonly allowPrivateTargets: boolean;
  /** One delivery attempt's limit, from connecting to the response's headers. */
  readonly timeoutSeconds: number;
  /** Wait before the first retry; each later wait doubles, up to an hour. */
  readonly retryIntervalSeconds: number;
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
  /** Undefined only with WAN_MODEL=none. */
  readonly model: WanModelSource | undefined;
  /** True when neither WAN_MODEL nor WAN_MODEL_DIR chose the model: the tiny one, fine for `npm start`, never for a GPU pool. */
  readonly modelIsDefault: boolean;
  /** One runtime per entry: `auto` (CUDA if present, else CPU), `cpu`, or a CUDA device index. */
  readonly devices: readonly string[];
  readonly cpuOffload: boolean;
  /** Speed options of the runtime's transformer; all off by default (exact diffusers output). */
  readonly speed: WanSpeedOptions;
  /** Where the tiny model is built and gs:// weights are synced to. */
  readonly modelCacheDir: string;
  /** How long a stopping worker lets running renders finish before handing them back to Temporal. */
  readonly shutdownGraceSeconds: number;
  /** A live preview every this many denoising steps while someone polls the job's status; 0: none. */
  readonly previewEverySteps: number;
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
