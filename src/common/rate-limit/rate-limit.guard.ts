import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { rateLimitStore, type EnvironmentVariables } from '../../config/env.validation';
import type { AuthUser } from '../auth/roles';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit.store';
import { RateLimitsRepository } from './rate-limits.repository';

type LimitSetting =
  | 'RATE_LIMIT_LOGIN_PER_ACCOUNT'
  | 'RATE_LIMIT_LOGIN_PER_IP'
  | 'RATE_LIMIT_REGISTER_PER_IP'
  | 'RATE_LIMIT_MESSAGES_PER_THREAD';

type RateRequest = FastifyRequest & { user?: AuthUser };

/** One limit on a route: how many hits per window, counted per the key it derives. */
export interface RateRule {
  name: string;
  limit: LimitSetting;
  windowMs: number;
  /** The counter key for this request, or null to skip (e.g. no email in the body). */
  key(request: RateRequest): string | null;
}

/** 429 with Retry-After; the error filter copies `retryAfter` into the header. */
export class TooManyRequestsException extends HttpException {
  constructor(readonly retryAfter: number) {
    super(
      `Too many requests; try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

const RATE_RULES = 'echo:rateRules';

/** Declares the rate limits of a route (checked after authentication, before the handler). */
export const RateLimit = (...rules: RateRule[]) =>
  applyDecorators(
    SetMetadata(RATE_RULES, rules),
    UseGuards(RateLimitGuard),
    ApiResponse({
      status: 429,
      description: 'Too many requests: wait for the number of seconds in Retry-After.',
      type: ErrorResponseDto,
    }),
  );

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly store: RateLimitStore;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: ConfigService<EnvironmentVariables, true>,
    shared: RateLimitsRepository,
  ) {
    const where = rateLimitStore({
      NODE_ENV: config.get('NODE_ENV', { infer: true }),
      RATE_LIMIT_STORE: config.get('RATE_LIMIT_STORE', { infer: true }),
    });
    this.store = where === 'postgres' ? shared : new MemoryRateLimitStore();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.reflector.get<RateRule[]>(RATE_RULES, context.getHandler()) ?? [];
    const request = context.switchToHttp().getRequest<RateRequest>();
    const now = Date.now();
    for (const rule of rules) {
      const key = rule.key(request);
      if (key === null) continue;
      const windowStart = now - (now % rule.windowMs);
      const hits = await this.store.hit(`${rule.name}:${key}`, windowStart);
      if (hits > this.config.get(rule.limit, { infer: true })) {
        throw new TooManyRequestsException(Math.ceil((windowStart + rule.windowMs - now) / 1000));
      }
    }
    return true;
  }
}
