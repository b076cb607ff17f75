import { plainToInstance, Transform } from 'class-transformer';
import { isIP } from 'node:net';
import {
  IsBooleanString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** argon2id's costs per password hash when none are configured: argon2's own recommendation. */
export const DEFAULT_PASSWORD_HASH_COST = { memoryCost: 65_536, timeCost: 3, parallelism: 4 };

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toDecimal = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;

export type RateLimitStoreKind = 'memory' | 'postgres';

/** Every environment variable the service reads. README.md "Configuration" lists them too. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8084;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^\/?([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?)?$/, {
    message: 'API_PREFIX must be a URL path such as /api',
  })
  API_PREFIX = '';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// connection URL',
  })
  DATABASE_URL?: string;

  /**
   * Streaming replicas of DATABASE_URL, comma-separated postgres:// URLs. Public reads that
   * tolerate lag (listings, reviews and their averages) go to one of them; everything else,
   * every write request and a user's own data included, stays on the primary.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^,\s]+(,postgres(ql)?:\/\/[^,\s]+)*$/, {
    message: 'DATABASE_REPLICA_URLS must be postgres:// URLs separated by commas',
  })
  DATABASE_REPLICA_URLS?: string;

  @IsOptional()
  @IsString()
  DATA_DIR = './.data';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^\d+(ms|s|m|h|d)?$/, {
    message: 'JWT_EXPIRES_IN must be a duration such as 3600, 15m, 1h or 7d',
  })
  JWT_EXPIRES_IN = '1h';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  DB_POOL_SIZE = 10;

  /**
   * Threads in libuv's pool (Node reads it at start-up; 4 when unset). Password hashing uses at
   * most half of them, so database connections and DNS lookups always find one free.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  UV_THREADPOOL_SIZE = 4;

  /**
   * argon2id's memory per password hash, in KiB. The floor is OWASP's cheapest accepted
   * configuration (19 MiB with 2 passes); the default, 64 MiB with 3 passes and 4 lanes, is
   * argon2's own recommendation. Hashes keep the costs they were made with, so a change applies
   * to new passwords and never locks anyone out.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(19_456, { message: 'PASSWORD_HASH_MEMORY_KIB must be at least 19456 (19 MiB)' })
  @Max(4_194_304)
  PASSWORD_HASH_MEMORY_KIB = DEFAULT_PASSWORD_HASH_COST.memoryCost;

  /** argon2id's passes over that memory per password hash; at least 2. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2, { message: 'PASSWORD_HASH_TIME_COST must be at least 2' })
  @Max(20)
  PASSWORD_HASH_TIME_COST = DEFAULT_PASSWORD_HASH_COST.timeCost;

  /** argon2id's lanes (threads) per password hash. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  PASSWORD_HASH_PARALLELISM = DEFAULT_PASSWORD_HASH_COST.parallelism;

  /** Longest wait for a pooled connection before the request fails with 503. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_CONNECT_TIMEOUT_MS = 3_000;

  /** A statement running longer is cancelled (0: no limit). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DB_STATEMENT_TIMEOUT_MS = 30_000;

  /**
   * Longest wait for the server's answer to one query, measured by the client (0: no limit).
   * statement_timeout is enforced by the server, so it cannot end a wait on a database that has
   * gone silent (a partition, a hung server or proxy); this does, and the connection is dropped.
   * Unset: DB_STATEMENT_TIMEOUT_MS + 5 s (0 when that is 0), so that a slow statement is
   * cancelled by the server, with its error, before the client gives up on it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DB_QUERY_TIMEOUT_MS?: number;

  /**
   * How often the LISTEN connection of live events is checked with a query. With no answer
   * within as long again, it counts as lost: open event streams end and it reconnects.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_LISTEN_CHECK_MS = 5_000;

  /**
   * How live events reach the instances: `postgres` (each instance LISTENs for the positions
   * the sequencing rounds hand out, and reads the events from the outbox) or `nats` (a relay
   * publishes the outbox to a NATS JetStream stream, which every instance consumes).
   */
  @IsOptional()
  @IsIn(['postgres', 'nats'])
  EVENTS_TRANSPORT: 'postgres' | 'nats' = 'postgres';

  /** With EVENTS_TRANSPORT=nats: the NATS servers, comma-separated (nats://host:port). */
  @IsOptional()
  @Matches(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/, {
    message: 'NATS_URL must be nats://host:port, or several separated by commas',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  /** With EVENTS_TRANSPORT=nats: the JetStream stream (created if missing) and its subject. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'NATS_STREAM must be letters, digits, _ or -' })
  NATS_STREAM = 'ECHO_EVENTS';

  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters long' })
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

  /** Swagger UI and the OpenAPI document. Default: on, except when NODE_ENV=production. */
  @IsOptional()
  @IsBooleanString()
  DOCS_ENABLED?: string;

  /**
   * Browser origins allowed by CORS, comma-separated. Default: none (no CORS headers), except
   * that development allows http://localhost:* and http://127.0.0.1:*.
   */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** How long a verified token's account status (active, roles) is cached, in ms. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  AUTH_CACHE_MS = 5_000;

  /**
   * Where rate-limit counters live: this process, or PostgreSQL (shared by all instances).
   * Unset: see rateLimitStore (postgres in production, memory otherwise).
   */
  @IsOptional()
  @IsIn(['memory', 'postgres'])
  RATE_LIMIT_STORE?: RateLimitStoreKind;

  /**
   * Which peers may tell the client's address in X-Forwarded-For: `false` (default, nobody), a
   * hop count, or a comma-separated list of IPs, CIDRs and loopback/linklocal/uniquelocal.
   * Checked by parseTrustProxy in validateEnv.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** Logins per minute per account (email), and per client IP. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_ACCOUNT = 10;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_IP = 60;

  /** Registrations per hour per client IP. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_REGISTER_PER_IP = 20;

  /** Messages per minute one user may post on one thread (orders and disputes). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_MESSAGES_PER_THREAD = 30;

  /** How often an idle event stream gets a keep-alive comment. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SSE_HEARTBEAT_MS = 15_000;

  /** Serve GET /metrics (Prometheus). */
  @IsOptional()
  @IsBooleanString()
  METRICS_ENABLED = 'false';

  /** When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters long' })
  METRICS_TOKEN?: string;

  /**
   * How often each queue's worker looks for due jobs, in seconds (pg-boss polls; 0.5 at least).
   * A job runs at most this long after it is due, on an instance that is not busy.
   */
  @IsOptional()
  @Transform(toDecimal)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(600)
  JOBS_POLL_SECONDS = 2;

  /** Signing secret of the Stripe webhook endpoint (whsec_...). Unset: webhooks answer 503. */
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'STRIPE_WEBHOOK_SECRET must be the whsec_... secret of the endpoint' })
  STRIPE_WEBHOOK_SECRET?: string;

  /**
   * Stripe secret key (sk_... or rk_...). Set: refunds decided by dispute resolution and payouts
   * are made at Stripe by durable jobs. Unset: they stay MANUAL, for an operator to make.
   */
  @IsOptional()
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, {
    message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_..., sk_live_... or rk_...)',
  })
  STRIPE_SECRET_KEY?: string;

  /**
   * Where the Stripe API is reached (default https://api.stripe.com). Only for a local stand-in
   * of Stripe, such as the one the tests use.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^/:]+(:\d+)?\/?$/, {
    message: 'STRIPE_API_URL must be a base URL such as http://127.0.0.1:12111',
  })
  STRIPE_API_URL?: string;
}

/**
 * Validates process.env at boot. A bad value stops the service with a message naming the
 * variable, rather than failing later in some request.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const proxy = parseTrustProxy(env.TRUST_PROXY);
  if ('problem' in proxy) problems.push(proxy.problem);
  if (
    env.DB_QUERY_TIMEOUT_MS !== undefined &&
    env.DB_QUERY_TIMEOUT_MS > 0 &&
    env.DB_STATEMENT_TIMEOUT_MS > 0 &&
    env.DB_QUERY_TIMEOUT_MS <= env.DB_STATEMENT_TIMEOUT_MS
  ) {
    problems.push(
      'DB_QUERY_TIMEOUT_MS must be longer than DB_STATEMENT_TIMEOUT_MS, so that the server ' +
        'cancels a slow statement before the client stops waiting for it',
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid environment configuration:\n  - ${problems.join('\n  - ')}`);
  }
  env.API_PREFIX = normalizePrefix(env.API_PREFIX);
  return env;
}

/**
 * Where rate-limit counters live: as configured, or by default PostgreSQL in production, so that
 * N instances behind a load balancer allow a limit once, not N times; development and tests
 * count in the process. (Resolved here rather than stored in the validated env: ConfigModule
 * copies validated values into process.env, where a derived default would pass for a setting.)
 */
export const rateLimitStore = (
  env: Pick<EnvironmentVariables, 'NODE_ENV' | 'RATE_LIMIT_STORE'>,
): RateLimitStoreKind =>
  env.RATE_LIMIT_STORE ?? (env.NODE_ENV === 'production' ? 'postgres' : 'memory');

/** Fastify's `trustProxy`, in the forms that make sense from the environment. */
export type TrustProxy = false | number | string[];

/** The ranges proxy-addr (Fastify's trustProxy) knows by name. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry) || isIP(entry)) return true;
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (!cidr) return false;
  const family = isIP(cidr[1]);
  return family !== 0 && Number(cidr[2]) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Fastify's trustProxy. Unset, empty, `false` or `0`: nobody is trusted, and the
 * client is the socket's peer. A number: that many proxies in front of the service are trusted
 * (the address that many hops back in X-Forwarded-For). A list: only peers in these addresses or
 * ranges may forward. `true` (believe any X-Forwarded-For) is refused: any client reaching the
 * service directly could then pick its address and dodge the per-IP limits.
 */
export function parseTrustProxy(
  raw: string | undefined,
): { value: TrustProxy } | { problem: string } {
  const text = (raw ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return { value: false };
  if (/^\d+$/.test(text)) return { value: Number(text) };
  if (text === 'true') {
    return {
      problem:
        'TRUST_PROXY must not be true (any client could then choose its address): give the ' +
        'number of proxies in front of ECHO, or their addresses',
    };
  }
  const entries = text.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (bad.length) {
    return {
      problem:
        `TRUST_PROXY must be false, a number of proxies, or a comma-separated list of IP ` +
        `addresses, CIDR ranges, loopback, linklocal or uniquelocal; not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    };
  }
  return { value: entries };
}

/** The validated TRUST_PROXY, as Fastify takes it. */
export function trustProxy(env: Pick<EnvironmentVariables, 'TRUST_PROXY'>): TrustProxy {
  const parsed = parseTrustProxy(env.TRUST_PROXY);
  return 'value' in parsed ? parsed.value : false;
}

/**
 * The client-side query timeout: as configured, or 5 s longer than the statement timeout (none
 * when that is none), so that a slow statement is cancelled by the server, with its error, before
 * the client gives up on it. Resolved here rather than stored in the validated env, for the same
 * reason as rateLimitStore.
 */
export const queryTimeout = (
  env: Pick<EnvironmentVariables, 'DB_QUERY_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'>,
): number =>
  env.DB_QUERY_TIMEOUT_MS ??
  (env.DB_STATEMENT_TIMEOUT_MS > 0 ? env.DB_STATEMENT_TIMEOUT_MS + 5_000 : 0);

/** Swagger is served unless turned off, and off in production unless turned on. */
export const docsEnabled = (env: EnvironmentVariables): boolean =>
  env.DOCS_ENABLED === undefined ? env.NODE_ENV !== 'production' : env.DOCS_ENABLED === 'true';

/** Any port of localhost, as browsers spell a local dev server's origin. */
export const LOCAL_DEV_ORIGINS = [
  /^http:\/\/localhost(:\d{1,5})?$/,
  /^http:\/\/127\.0\.0\.1(:\d{1,5})?$/,
];

/**
 * The origins CORS allows: those configured, or, in development with none configured, local dev
 * servers (a front end on http://localhost:5173 can try the API with no set-up). Production and
 * test allow only what CORS_ORIGINS lists.
 */
export function corsOrigins(env: EnvironmentVariables): (string | RegExp)[] {
  const configured = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (configured.length || env.NODE_ENV !== 'development') return configured;
  return LOCAL_DEV_ORIGINS;
}

/** `api`, `/api/` and `/api` all mean the prefix `/api`; empty means none. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}
