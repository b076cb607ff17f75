import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../../config/env.validation';
import { AccountsRepository } from './accounts.repository';
import type { AuthUser } from './roles';

interface Entry {
  user: AuthUser | null;
  at: number;
}

const MAX_ENTRIES = 50_000;

/**
 * What a valid token's account is right now: deactivated accounts are refused and roles come
 * from the database, so a deactivation or demotion takes effect within AUTH_CACHE_MS on every
 * instance (one primary-key lookup per user per window), not when the token expires.
 */
@Injectable()
export class AccountStatus {
  private readonly cache = new Map<number, Entry>();
  private readonly ttl: number;

  constructor(
    private readonly accounts: AccountsRepository,
    config: ConfigService<EnvironmentVariables, true>,
  ) {
    this.ttl = config.get('AUTH_CACHE_MS', { infer: true });
  }

  /** The current account behind a token's user id, or null when it is gone or deactivated. */
  async current(id: number): Promise<AuthUser | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.ttl) return hit.user;
    const roles = await this.accounts.activeRoles(id);
    const user = roles ? { id, roles } : null;
    if (this.ttl > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(id, { user, at: now });
    }
    return user;
  }
}
