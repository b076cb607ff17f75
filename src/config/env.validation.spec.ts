import {
  corsOrigins,
  LOCAL_DEV_ORIGINS,
  normalizePrefix,
  parseTrustProxy,
  queryTimeout,
  rateLimitStore,
  trustProxy,
  validateEnv,
} from './env.validation';

const SECRET = 'x'.repeat(32);

describe('validateEnv', () => {
  it('fills in the defaults', () => {
    expect({ ...validateEnv({}) }).toEqual({
      NODE_ENV: 'development',
      PORT: 8084,
      HOST: '0.0.0.0',
      API_PREFIX: '',
      DATA_DIR: './.data',
      JWT_EXPIRES_IN: '1h',
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 1024 * 1024,
      DB_POOL_SIZE: 10,
      DB_CONNECT_TIMEOUT_MS: 3_000,
      UV_THREADPOOL_SIZE: 4,
      PASSWORD_HASH_MEMORY_KIB: 65_536,
      PASSWORD_HASH_TIME_COST: 3,
      PASSWORD_HASH_PARALLELISM: 4,
      DB_STATEMENT_TIMEOUT_MS: 30_000,
      DB_LISTEN_CHECK_MS: 5_000,
      EVENTS_TRANSPORT: 'postgres',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM: 'ECHO_EVENTS',
      SSE_HEARTBEAT_MS: 15_000,
      JOBS_POLL_SECONDS: 2,
      AUTH_CACHE_MS: 5_000,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: 10,
      RATE_LIMIT_LOGIN_PER_IP: 60,
      RATE_LIMIT_REGISTER_PER_IP: 20,
      RATE_LIMIT_MESSAGES_PER_THREAD: 30,
      METRICS_ENABLED: 'false',
    });
  });

  it("refuses password hash costs below OWASP's cheapest argon2id configuration", () => {
    expect(
      validateEnv({
        PASSWORD_HASH_MEMORY_KIB: '19456',
        PASSWORD_HASH_TIME_COST: '2',
        PASSWORD_HASH_PARALLELISM: '1',
      }),
    ).toMatchObject({
      PASSWORD_HASH_MEMORY_KIB: 19_456,
      PASSWORD_HASH_TIME_COST: 2,
      PASSWORD_HASH_PARALLELISM: 1,
    });
    expect(() => validateEnv({ PASSWORD_HASH_MEMORY_KIB: '19455' })).toThrow(
      'PASSWORD_HASH_MEMORY_KIB must be at least 19456 (19 MiB)',
    );
    expect(() => validateEnv({ PASSWORD_HASH_TIME_COST: '1' })).toThrow(
      'PASSWORD_HASH_TIME_COST must be at least 2',
    );
    expect(() => validateEnv({ PASSWORD_HASH_PARALLELISM: '0' })).toThrow(
      /PASSWORD_HASH_PARALLELISM/,
    );
  });

  it('takes NATS and replica URLs as lists, and refuses what is not one', () => {
    const env = validateEnv({
      EVENTS_TRANSPORT: 'nats',
      NATS_URL: 'nats://a:4222,nats://b:4222',
      DATABASE_REPLICA_URLS: 'postgres://r1/db,postgres://r2/db',
    });
    expect(env).toMatchObject({
      EVENTS_TRANSPORT: 'nats',
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
    expect(() => validateEnv({ EVENTS_TRANSPORT: 'kafka' })).toThrow(/EVENTS_TRANSPORT/);
    expect(() => validateEnv({ NATS_URL: 'http://a' })).toThrow(/NATS_URL/);
    expect(() => validateEnv({ DATABASE_REPLICA_URLS: 'postgres://r1/db,' })).toThrow(
      /DATABASE_REPLICA_URLS/,
    );
    expect(() => validateEnv({ STRIPE_SECRET_KEY: 'pk_test_x' })).toThrow(/STRIPE_SECRET_KEY/);
  });

  it('reads numbers from their text and normalizes the prefix', () => {
    const env = validateEnv({ PORT: '3000', DB_POOL_SIZE: ' 20 ', API_PREFIX: '/api/' });
    expect(env).toMatchObject({ PORT: 3000, DB_POOL_SIZE: 20, API_PREFIX: '/api' });
  });

  it.each(['abc', '70000', '-1', '80.5', ''])('refuses PORT=%p, naming PORT', (port) => {
    expect(() => validateEnv({ PORT: port })).toThrow(/PORT must/);
  });

  it('polls for jobs as often as every half second, not more', () => {
    expect(validateEnv({ JOBS_POLL_SECONDS: '0.5' }).JOBS_POLL_SECONDS).toBe(0.5);
    expect(validateEnv({ JOBS_POLL_SECONDS: ' 3 ' }).JOBS_POLL_SECONDS).toBe(3);
    for (const bad of ['0.4', '0', '-1', 'abc', '1e3', '']) {
      expect(() => validateEnv({ JOBS_POLL_SECONDS: bad })).toThrow(/JOBS_POLL_SECONDS must/);
    }
  });

  it('waits for a query 5 s longer than the server lets it run, unless told otherwise', () => {
    const timeout = (raw: Record<string, string>) => queryTimeout(validateEnv(raw));
    expect(timeout({})).toBe(35_000);
    expect(timeout({ DB_STATEMENT_TIMEOUT_MS: '2000' })).toBe(7_000);
    expect(timeout({ DB_STATEMENT_TIMEOUT_MS: '0' })).toBe(0);
    expect(timeout({ DB_STATEMENT_TIMEOUT_MS: '2000', DB_QUERY_TIMEOUT_MS: '3000' })).toBe(3_000);
    expect(timeout({ DB_QUERY_TIMEOUT_MS: '0' })).toBe(0);
    // Not stored: ConfigModule would copy a derived value into process.env.
    expect(validateEnv({}).DB_QUERY_TIMEOUT_MS).toBeUndefined();
  });

  it('refuses a query timeout that would give up before the statement timeout', () => {
    expect(() =>
      validateEnv({ DB_STATEMENT_TIMEOUT_MS: '5000', DB_QUERY_TIMEOUT_MS: '5000' }),
    ).toThrow(/DB_QUERY_TIMEOUT_MS must be longer than DB_STATEMENT_TIMEOUT_MS/);
    expect(() => validateEnv({ DB_QUERY_TIMEOUT_MS: '-1' })).toThrow(/DB_QUERY_TIMEOUT_MS must/);
    expect(() => validateEnv({ DB_LISTEN_CHECK_MS: '50' })).toThrow(/DB_LISTEN_CHECK_MS must/);
  });

  it('names every bad variable at once', () => {
    let message = '';
    try {
      validateEnv({
        PORT: 'x',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://db',
        JWT_SECRET: 'short',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'JWT_SECRET']) {
      expect(message).toContain(`${name} must`);
    }
  });

  it('requires JWT_SECRET in production only', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET is required when NODE_ENV=production/,
    );
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET }).JWT_SECRET).toBe(SECRET);
    expect(() => validateEnv({ NODE_ENV: 'development' })).not.toThrow();
  });

  it('requires ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    const together = /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/;
    expect(() => validateEnv({ ADMIN_EMAIL: 'a@example.com' })).toThrow(together);
    expect(() => validateEnv({ ADMIN_PASSWORD: 'long enough' })).toThrow(together);
    const both = validateEnv({ ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'long enough' });
    expect(both.ADMIN_EMAIL).toBe('a@example.com');
  });

  it('refuses an unknown NODE_ENV and a prefix that is not a path', () => {
    expect(() => validateEnv({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
    expect(() => validateEnv({ API_PREFIX: '/a b' })).toThrow(/API_PREFIX must be a URL path/);
    expect(() => validateEnv({ API_PREFIX: '//api' })).toThrow(/API_PREFIX must be a URL path/);
  });

  it('accepts a prefix written without its leading slash', () => {
    expect(validateEnv({ API_PREFIX: 'api' }).API_PREFIX).toBe('/api');
    expect(validateEnv({ API_PREFIX: 'api/v1/' }).API_PREFIX).toBe('/api/v1');
  });
});

describe('normalizePrefix', () => {
  it.each([
    ['api', '/api'],
    ['/api', '/api'],
    ['/api/', '/api'],
    ['//api//', '/api'],
    ['/v1/api', '/v1/api'],
    ['/', ''],
    ['', ''],
    [undefined, ''],
  ])('%p -> %p', (prefix, expected) => {
    expect(normalizePrefix(prefix)).toBe(expected);
  });
});

describe('corsOrigins', () => {
  const env = (vars: Record<string, string>) => validateEnv({ JWT_SECRET: SECRET, ...vars });

  it('allows local dev servers in development when none are configured', () => {
    expect(corsOrigins(env({ NODE_ENV: 'development' }))).toBe(LOCAL_DEV_ORIGINS);
    const [localhost, loopback] = LOCAL_DEV_ORIGINS;
    expect(['http://localhost:5173', 'http://localhost'].every((o) => localhost.test(o))).toBe(
      true,
    );
    expect(loopback.test('http://127.0.0.1:8080')).toBe(true);
    expect(localhost.test('http://localhost:5173.evil.example')).toBe(false);
  });

  it('allows only the configured origins otherwise', () => {
    expect(corsOrigins(env({ NODE_ENV: 'production' }))).toEqual([]);
    expect(corsOrigins(env({ NODE_ENV: 'test' }))).toEqual([]);
    expect(
      corsOrigins(
        env({ NODE_ENV: 'development', CORS_ORIGINS: ' https://a.example, https://b.example' }),
      ),
    ).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('RATE_LIMIT_STORE', () => {
  const env = (vars: Record<string, string>) => validateEnv({ JWT_SECRET: SECRET, ...vars });

  it('defaults to PostgreSQL in production, so that every instance shares the counters', () => {
    expect(rateLimitStore(env({ NODE_ENV: 'production' }))).toBe('postgres');
  });

  it('defaults to the process in development and tests', () => {
    expect(rateLimitStore(env({}))).toBe('memory');
    expect(rateLimitStore(env({ NODE_ENV: 'development' }))).toBe('memory');
    expect(rateLimitStore(env({ NODE_ENV: 'test' }))).toBe('memory');
  });

  it('keeps what is set, in any environment, and refuses anything else', () => {
    expect(rateLimitStore(env({ NODE_ENV: 'production', RATE_LIMIT_STORE: 'memory' }))).toBe(
      'memory',
    );
    expect(rateLimitStore(env({ NODE_ENV: 'test', RATE_LIMIT_STORE: 'postgres' }))).toBe(
      'postgres',
    );
    expect(() => env({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE must/);
  });
});

describe('TRUST_PROXY', () => {
  it.each([undefined, '', ' ', 'false', '0'])('%p trusts nobody', (raw) => {
    expect(parseTrustProxy(raw)).toEqual({ value: false });
  });

  it('takes a number of proxies in front of the service', () => {
    expect(parseTrustProxy('1')).toEqual({ value: 1 });
    expect(parseTrustProxy(' 2 ')).toEqual({ value: 2 });
  });

  it('takes addresses, CIDR ranges and the named ranges, comma-separated', () => {
    expect(parseTrustProxy('127.0.0.1')).toEqual({ value: ['127.0.0.1'] });
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7 ,::1,fd00::/8,loopback,uniquelocal')).toEqual({
      value: ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback', 'uniquelocal'],
    });
    expect(trustProxy(validateEnv({ TRUST_PROXY: '172.16.0.0/12' }))).toEqual(['172.16.0.0/12']);
    expect(trustProxy(validateEnv({}))).toBe(false);
  });

  it('refuses true, since any client could then choose its own address', () => {
    expect(() => validateEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY must not be true/);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '::1/129', '10.0.0', '10.0.0.1,', '-1', '1.5'])(
    'refuses %p, naming TRUST_PROXY and the bad entry',
    (raw) => {
      expect(() => validateEnv({ TRUST_PROXY: raw })).toThrow(
        /TRUST_PROXY must be false, a number/,
      );
    },
  );
});
