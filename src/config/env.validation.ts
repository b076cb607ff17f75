import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBooleanString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

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

  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters long' })
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsBooleanString()
  SWAGGER_ENABLED = 'true';

  /** Signing secret of the Stripe webhook endpoint (whsec_...). Unset: webhooks answer 503. */
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'STRIPE_WEBHOOK_SECRET must be the whsec_... secret of the endpoint' })
  STRIPE_WEBHOOK_SECRET?: string;
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
  if (problems.length > 0) {
    throw new Error(`Invalid environment configuration:\n  - ${problems.join('\n  - ')}`);
  }
  env.API_PREFIX = normalizePrefix(env.API_PREFIX);
  return env;
}

/** `api`, `/api/` and `/api` all mean the prefix `/api`; empty means none. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}
