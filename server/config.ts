/**
 * Configuration: read the environment once, validate it, fail fast with a
 * message that names the variable. Every other module imports `loadConfig()`.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  dataDir: string;
  /** set → use this PostgreSQL; unset → embedded PostgreSQL in dataDir */
  databaseUrl?: string;
  embeddedPgPort: number;
  /** set → use this Temporal cluster; unset → start `temporal server start-dev` */
  temporalAddress?: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalNamespace: string;
  taskQueue: string;
  /** seconds one policy day lasts (86400 in production; small in demo mode) */
  daySeconds: number;
  demo: boolean;
  demoPassword: string;
  /** AES-256-GCM key(s) for the Temporal payload codec, `id:base64key[,id:base64key]`; first is current */
  codecKeys: { id: string; key: Buffer }[];
  runWorker: boolean;
  runApi: boolean;
  logLevel: string;
  /** bearer token Prometheus must send for GET /metrics; unset: open in development and test, refused in production */
  metricsToken?: string;
  /** 限流 limits of the public board, shared by every API server (counted in PostgreSQL) */
  publicLimits: PublicLimits;
}

/** Requests allowed per window; a request over any limit is answered 429 with Retry-After. */
export interface PublicLimits {
  windowSeconds: number;
  /** new objections from one client address to one notice */
  perAddressPerNotice: number;
  /** new objections from one client address */
  perAddress: number;
  /** new objections to one notice, from anyone */
  perNotice: number;
  /** new objections, all notices together */
  overall: number;
  /** any public-board request from one client address */
  boardPerAddress: number;
  /** public-board requests one API server serves at once (the rest of its database pool stays for staff) */
  concurrent: number;
  /** public-board requests that may wait for a turn; more are answered 429 at once */
  queued: number;
}

export const DEFAULT_PUBLIC_LIMITS: PublicLimits = {
  windowSeconds: 60,
  perAddressPerNotice: 5,
  perAddress: 30,
  perNotice: 600,
  overall: 3000,
  boardPerAddress: 300,
  concurrent: 4,
  queued: 200,
};

function publicLimits(env: NodeJS.ProcessEnv): PublicLimits {
  const d = DEFAULT_PUBLIC_LIMITS;
  const n = (name: string, fallback: number) => int(env, name, fallback, 1, 1_000_000);
  return {
    windowSeconds: int(env, 'ZX_RATE_WINDOW_SECONDS', d.windowSeconds, 1, 3600),
    perAddressPerNotice: n('ZX_OBJECTIONS_PER_ADDRESS_NOTICE', d.perAddressPerNotice),
    perAddress: n('ZX_OBJECTIONS_PER_ADDRESS', d.perAddress),
    perNotice: n('ZX_OBJECTIONS_PER_NOTICE', d.perNotice),
    overall: n('ZX_OBJECTIONS_TOTAL', d.overall),
    boardPerAddress: n('ZX_PUBLIC_REQUESTS_PER_ADDRESS', d.boardPerAddress),
    concurrent: int(env, 'ZX_PUBLIC_CONCURRENCY', d.concurrent, 1, 1000),
    queued: int(env, 'ZX_PUBLIC_QUEUE', d.queued, 0, 100_000),
  };
}

export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

// A fixed development key so `npm start` works out of the box; production must set its own.
const DEV_CODEC_KEY = 'dev:' + Buffer.alloc(32, 7).toString('base64');

function codecKeys(env: NodeJS.ProcessEnv, production: boolean): Config['codecKeys'] {
  const raw = env.ZX_CODEC_KEYS;
  if (!raw) {
    if (production)
      throw new ConfigError('ZX_CODEC_KEYS', 'is required in production (id:base64-32-byte-key)');
    return codecKeys({ ZX_CODEC_KEYS: DEV_CODEC_KEY }, false);
  }
  return raw.split(',').map((part) => {
    const [id, b64] = part.split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || key.length !== 32) {
      throw new ConfigError('ZX_CODEC_KEYS', 'each entry must be id:base64 of exactly 32 bytes');
    }
    return { id, key };
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError(
        'DATABASE_URL',
        'is not a valid URL (expected postgres://user:password@host:port/database)',
      );
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `must start with postgres:// (got ${url.protocol}//)`);
    }
  }
  const daySeconds = int(env, 'ZX_DAY_SECONDS', 86400, 1, 86400);
  const demo = env.ZX_DEMO === undefined ? !production : env.ZX_DEMO === '1' || env.ZX_DEMO === 'true';
  if (production && daySeconds !== 86400) {
    throw new ConfigError('ZX_DAY_SECONDS', 'the demo time scale is refused when NODE_ENV=production');
  }
  if (production && demo) {
    throw new ConfigError('ZX_DEMO', 'demo mode is refused when NODE_ENV=production');
  }
  const role = env.ZX_ROLE ?? 'all';
  if (!['all', 'api', 'worker'].includes(role))
    throw new ConfigError('ZX_ROLE', 'must be all, api or worker');
  return {
    env: nodeEnv,
    port: int(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.ZX_DATA_DIR || join(ROOT, '.data')),
    databaseUrl,
    embeddedPgPort: int(env, 'ZX_PG_PORT', 54329),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalPort: int(env, 'ZX_TEMPORAL_PORT', 17233),
    temporalUiPort: int(env, 'ZX_TEMPORAL_UI_PORT', 18233),
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.ZX_TASK_QUEUE || 'zhenxing',
    daySeconds,
    demo,
    demoPassword: env.ZX_DEMO_PASSWORD || 'zhenxing',
    codecKeys: codecKeys(env, production),
    runWorker: role !== 'api',
    runApi: role !== 'worker',
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    metricsToken: env.ZX_METRICS_TOKEN || undefined,
    publicLimits: publicLimits(env),
  };
}

/** The variables this module reads, for the docs and the docker-compose test. */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'ZX_DATA_DIR',
  'DATABASE_URL',
  'ZX_PG_PORT',
  'TEMPORAL_ADDRESS',
  'ZX_TEMPORAL_PORT',
  'ZX_TEMPORAL_UI_PORT',
  'TEMPORAL_NAMESPACE',
  'ZX_TASK_QUEUE',
  'ZX_DAY_SECONDS',
  'ZX_DEMO',
  'ZX_DEMO_PASSWORD',
  'ZX_CODEC_KEYS',
  'ZX_ROLE',
  'LOG_LEVEL',
  'ZX_METRICS_TOKEN',
  'ZX_RATE_WINDOW_SECONDS',
  'ZX_OBJECTIONS_PER_ADDRESS_NOTICE',
  'ZX_OBJECTIONS_PER_ADDRESS',
  'ZX_OBJECTIONS_PER_NOTICE',
  'ZX_OBJECTIONS_TOTAL',
  'ZX_PUBLIC_REQUESTS_PER_ADDRESS',
  'ZX_PUBLIC_CONCURRENCY',
  'ZX_PUBLIC_QUEUE',
] as const;
