import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives a parsed `TConfig`, so an
 * invalid setting fails at start with a message naming the variable, never later at first use.
 */
const ZEnvBoolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** ~0.35 GiB of cached project workflows (~0.35 MiB each: docs/operations.md, Sizing). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

const ZPort = z.coerce.number().int().min(1).max(65535);

export const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: ZPort.default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Any PostgreSQL. When unset, the embedded PGlite under DATA_DIR is served on PGLITE_PORT. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PGLITE_PORT: ZPort.default(54329),
  /** A Temporal cluster or Temporal Cloud. When unset, `npm start` runs the local dev server. */
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'expected host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('bangfu'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: ZEnvBoolean.optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: ZPort.default(7233),
  TEMPORAL_UI_PORT: ZPort.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),
  /**
   * Workflows the worker keeps in memory (its sticky cache). A cached project workflow holds about
   * 0.35 MiB (docs/operations.md, Sizing); evicted workflows are replayed from history when needed.
   */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  /**
   * `npm start` only: how many worker and API server processes it runs (one of each by default).
   * Several API servers sit behind one TCP balancer on PORT (src/infra/tcp-balancer.ts).
   */
  WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  SERVERS: z.coerce.number().int().min(1).max(16).default(1),
  /** Seed the demo county and demo accounts. Refused in production. */
  DEMO_SEED: ZEnvBoolean.optional(),
  DEMO_PASSWORD: z.string().min(8).default('bangfu-demo-2026'),
  /** With the demo seed, `npm start` also walks seven demo projects to different stages (API calls). */
  DEMO_PROJECTS: ZEnvBoolean.optional(),
  /** Overrides both publicity periods (village, township) in days; 0 skips them (demo only). */
  PUBLICITY_DAYS: z.coerce.number().int().min(0).max(365).optional(),
  /** Signs the session cookie. Required in production; elsewhere a per-process random one is used. */
  SESSION_COOKIE_SECRET: z.string().min(32, 'use at least 32 characters').optional(),
  /**
   * Seals the notification channels' secrets in the database (src/notifications/channel-secrets.ts):
   * 32 random bytes, base64 (`openssl rand -base64 32`). Required in production; elsewhere a fixed
   * development key is used, which protects nothing.
   */
  CHANNEL_SECRETS_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'use 32 random bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Failed logins from one address over all usernames (password spraying); raise it for a big office behind one NAT address. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Behind a reverse proxy: trust X-Forwarded-* so rate limits see the user's address. */
  TRUST_PROXY: ZEnvBoolean.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The worker serves Temporal's Prometheus metrics on HOST:this port; unset, it serves none. */
  WORKER_METRICS_PORT: ZPort.optional(),
  /** OpenTelemetry traces (docs/operations.md#tracing): off unless set; `console` prints spans, `otlp` sends them. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'console', 'otlp']).default('none'),
  /** The OTLP/HTTP collector's base URL; traces go to `<url>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).default('http://localhost:4318'),
  /** Each process adds its part (`bangfu-api`, `bangfu-worker`) unless this is set. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /**
   * Notifications (docs/operations.md#notifications): each API server runs the outbox's delivery
   * loop unless this is false (off by default under NODE_ENV=test, whose tests run it themselves).
   */
  NOTIFY_DELIVERY: ZEnvBoolean.optional(),
  /** How often the loop looks for due deliveries. */
  NOTIFY_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  /** Attempts before a delivery is given up (FAILED, kept in the delivery log). */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** The first retry's delay; each further one doubles, up to NOTIFY_BACKOFF_MAX_MS. */
  NOTIFY_BACKOFF_BASE_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  NOTIFY_BACKOFF_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  /** A claimed delivery is the claimer's this long; after a crash another process takes it over. */
  NOTIFY_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  NOTIFY_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** The address people open the app at (https://bangfu.example.gov.cn): messages link to the task. */
  /** The largest attachment an upload may carry, in MiB (over it: 413 FILE_TOO_LARGE). */
  ATTACHMENT_MAX_MB: z.coerce.number().min(0.001).max(1024).default(20),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type TEnv = z.infer<typeof ZEnv>;

export interface TConfig {
  env: TEnv['NODE_ENV'];
  http: { host: string; port: number };
  dataDir: string;
  database: { url: string | undefined; embedded: boolean; pglitePort: number };
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string } | false;
    cliPath?: string;
    devPort: number;
    uiPort: number;
    uiUrl: string;
    /** The worker's workflow cache size (Worker option `maxCachedWorkflows`). */
    maxCachedWorkflows: number;
  };
  demo: { seed: boolean; password: string; projects: boolean };
  /** `npm start`'s process counts (WORKERS, SERVERS). */
  processes: { workers: number; servers: number };
  /** Per-deployment overrides of the county settings' defaults. */
  publicityDays: number | undefined;
  accounts: { cookieSecret?: string; loginLimit: { maxFailures: number; windowMs: number; maxFailuresPerAddress: number }; trustProxy: boolean };
  logLevel: TEnv['LOG_LEVEL'];
  /** WORKER_METRICS_PORT: the worker's Prometheus exporter binds HOST:this port (none when unset); `npm start` gives its Nth worker this port + N - 1. */
  workerMetricsPort: number | undefined;
  /** OpenTelemetry tracing; `exporter: 'none'` leaves it off. */
  tracing: { exporter: TEnv['OTEL_TRACES_EXPORTER']; otlpEndpoint: string; serviceName: string | undefined };
  /** The notification outbox's delivery loop (src/notifications/delivery-loop.ts). */
  notifications: TNotificationConfig;
  /** Attachments (src/files): stored under `<dataDir>/files`; absent in hand-built configs (20 MiB applies). */
  files?: { maxBytes: number };
}

export interface TNotificationConfig {
  /** This process sends the outbox (every API process turns stored causes into notifications). */
  deliver: boolean;
  pollMs: number;
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  leaseMs: number;
  batch: number;
  sendTimeoutMs: number;
  publicBaseUrl: string | null;
  /** CHANNEL_SECRETS_KEY, base64. */
  channelKey: string;
}

export class ConfigError extends Error {}

export function loadConfig(source: Record<string, string | undefined> = process.env): TConfig {
  // Empty strings mean "unset": shells and .env files often export VAR= to clear a value.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && e.DEMO_SEED) {
    throw new ConfigError('Invalid configuration:\n  DEMO_SEED: demo accounts are never created when NODE_ENV=production');
  }
  if (e.NODE_ENV === 'production' && !e.CHANNEL_SECRETS_KEY) {
    throw new ConfigError('Invalid configuration:\n  CHANNEL_SECRETS_KEY: required when NODE_ENV=production (openssl rand -base64 32)');
  }
  if (e.NODE_ENV === 'production' && !e.SESSION_COOKIE_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_COOKIE_SECRET: required when NODE_ENV=production (at least 32 characters)');
  }
  const anyTls = e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_KEY_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME;
  const tlsOn = e.TEMPORAL_TLS ?? Boolean(anyTls || e.TEMPORAL_API_KEY);
  return {
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    dataDir: path.resolve(e.DATA_DIR),
    database: { url: e.DATABASE_URL, embedded: !e.DATABASE_URL, pglitePort: e.PGLITE_PORT },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: tlsOn
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : false,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
    },
    demo: { seed: e.DEMO_SEED ?? e.NODE_ENV !== 'production', password: e.DEMO_PASSWORD, projects: e.DEMO_PROJECTS ?? true },
    processes: { workers: e.WORKERS, servers: e.SERVERS },
    publicityDays: e.PUBLICITY_DAYS,
    accounts: {
      cookieSecret: e.SESSION_COOKIE_SECRET,
      loginLimit: { maxFailures: e.LOGIN_MAX_FAILURES, windowMs: e.LOGIN_WINDOW_MINUTES * 60_000, maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS },
      trustProxy: e.TRUST_PROXY,
    },
    logLevel: e.LOG_LEVEL,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    tracing: { exporter: e.OTEL_TRACES_EXPORTER, otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    files: { maxBytes: Math.floor(e.ATTACHMENT_MAX_MB * 1024 * 1024) },
    notifications: {
      deliver: e.NOTIFY_DELIVERY ?? e.NODE_ENV !== 'test',
      pollMs: e.NOTIFY_POLL_MS,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      baseMs: e.NOTIFY_BACKOFF_BASE_MS,
      maxMs: e.NOTIFY_BACKOFF_MAX_MS,
      leaseMs: e.NOTIFY_LEASE_MS,
      batch: 20,
      sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT_MS,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null,
      channelKey: e.CHANNEL_SECRETS_KEY ?? DEVELOPMENT_CHANNEL_KEY,
    },
  };
}

/** Outside production only: a key anyone can read here, so the sealing code runs the same everywhere. */
const DEVELOPMENT_CHANNEL_KEY = 'YmFuZ2Z1LWRldmVsb3BtZW50LWNoYW5uZWwta2V5ISE=';

/** The embedded database's URL, used when DATABASE_URL is unset. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

export function databaseUrl(config: TConfig): string {
  return config.database.url ?? embeddedDatabaseUrl(config.database.pglitePort);
}
