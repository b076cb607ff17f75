import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as argon2 from 'argon2';
import { DEFAULT_PASSWORD_HASH_COST, type EnvironmentVariables } from '../config/env.validation';

export type PasswordHashCost = typeof DEFAULT_PASSWORD_HASH_COST;

/**
 * argon2id, the slow hash OWASP recommends for passwords. The costs are written into the hash,
 * so verifying never needs them.
 */
export const hashPassword = (
  password: string,
  cost: PasswordHashCost = DEFAULT_PASSWORD_HASH_COST,
): Promise<string> => argon2.hash(password, { type: argon2.argon2id, ...cost });

/** At most `limit` tasks run at once; the others wait their turn, first come first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot to the next in line, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * How many argon2 computations may run at once: half of libuv's thread pool. Each one holds a
 * pool thread for its whole duration (~0.1-1 s), and the same pool serves what a request cannot
 * wait behind: the SCRAM key derivation of every new PostgreSQL connection, DNS lookups, file
 * reads. Unbounded, a burst of registrations queues all of its hashes ahead of a new
 * connection's handshake, which then outwaits DB_CONNECT_TIMEOUT_MS and the request gets 503.
 * Each hash already uses 4 CPU threads of its own (parallelism 4), so more at once would not
 * finish a burst sooner.
 */
export const hashingConcurrency = (threadPoolSize: number): number =>
  Math.max(1, Math.floor(threadPoolSize / 2));

@Injectable()
export class PasswordHasher {
  private readonly slots: Semaphore;
  private readonly cost: PasswordHashCost;
  // Verified against when the email is unknown, so both failures take the same time: it is
  // made with the same costs as every new hash.
  private readonly decoy: Promise<string>;

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.slots = new Semaphore(
      hashingConcurrency(config.get('UV_THREADPOOL_SIZE', { infer: true })),
    );
    this.cost = {
      memoryCost: config.get('PASSWORD_HASH_MEMORY_KIB', { infer: true }),
      timeCost: config.get('PASSWORD_HASH_TIME_COST', { infer: true }),
      parallelism: config.get('PASSWORD_HASH_PARALLELISM', { infer: true }),
    };
    this.decoy = this.hash('not-a-real-password-just-a-decoy');
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => hashPassword(password, this.cost));
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const against = hash ?? (await this.decoy);
      return await this.slots.run(() => argon2.verify(against, password));
    } catch {
      return false;
    }
  }
}
