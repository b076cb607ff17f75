import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../../config/env.validation';
import { AccountsRepository, type ActiveAccount } from './accounts.repository';
import { AuthErrors } from './auth.errors';
import type { TokenUser } from './token-claims';

interface Entry {
  account: ActiveAccount | null;
  at: number;
}

const MAX_ENTRIES = 50_000;

/**
 * What a valid token's account is right now. A deactivated account is refused, and so is a
 * token issued under an older session version (the password was reset, the roles changed, the
 * account was deactivated or promoted since). Roles come from the database. Every instance
 * sees a change within AUTH_CACHE_MS (one primary-key lookup per user per window); the
 * instance that made it, at once (`forget`).
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

  /**
   * The caller as the account is now (its current roles, under the token's session version),
   * or the 401 that ends this token.
   */
  async authorize(token: TokenUser): Promise<TokenUser> {
    const account = await this.current(token.id);
    if (!account) {
      throw AuthErrors.ACCOUNT_INACTIVE('This account is deactivated or no longer exists.');
    }
    if (account.sessionVersion !== token.sessionVersion) {
      throw AuthErrors.SESSION_ENDED(
        "This session has ended: the account's password, roles or status changed since the " +
          'token was issued. Log in again.',
      );
    }
    return { id: token.id, roles: account.roles, sessionVersion: token.sessionVersion };
  }

  /** The active account behind a user id, or null when it is gone or deactivated. */
  async current(id: number): Promise<ActiveAccount | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.ttl) return hit.account;
    const account = await this.accounts.active(id);
    if (this.ttl > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(id, { account, at: now });
    }
    return account;
  }

  /** Drops what this instance remembers of an account that was just changed. */
  forget(id: number): void {
    this.cache.delete(id);
  }
}
