import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

export type Claim = 'claimed' | 'in-flight' | 'held-by-another-request';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/**
 * Idempotency keys, always in the unit of work of the request they belong to: the key is
 * claimed, the handler writes, and the response is stored in one transaction.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Claims the key for this transaction with advisory locks, which PostgreSQL releases when the
   * transaction ends, commit or rollback, so a key is never left claimed by a request that died.
   * Two locks, taken in one statement: the key's, and the key-and-request's. When another
   * transaction holds the key, the second tells whether it runs this same request (in flight)
   * or another one (the key is being reused).
   */
  async claim(userId: number, key: string, requestHash: string): Promise<Claim> {
    const rows: { key_claimed: boolean; request_claimed: boolean }[] = await this.db.tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS key_claimed,
              pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0)) AS request_claimed`,
      [`idempotency:${userId}:${key}`, requestHash],
    );
    const [{ key_claimed, request_claimed }] = rows;
    if (key_claimed) return 'claimed';
    return request_claimed ? 'held-by-another-request' : 'in-flight';
  }

  /** The response kept for the key, unless it is older than 24 hours. */
  async find(userId: number, key: string): Promise<StoredResponse | null> {
    const rows: { request_hash: string; status_code: number | null; response: unknown }[] =
      await this.db.tx.query(
        `SELECT request_hash, status_code, response FROM idempotency_keys
         WHERE user_id = $1 AND key = $2 AND created_at >= now() - interval '24 hours'`,
        [userId, key],
      );
    if (!rows.length) return null;
    const [row] = rows;
    return {
      requestHash: row.request_hash,
      statusCode: row.status_code ?? 200,
      response: row.response,
    };
  }

  /** Keeps the response; an expired row with the same key is replaced. */
  async store(userId: number, key: string, stored: StoredResponse): Promise<void> {
    await this.db.tx.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state, status_code, response)
       VALUES ($1, $2, $3, 'done', $4, $5::json)
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'done',
             status_code = EXCLUDED.status_code, response = EXCLUDED.response, created_at = now()`,
      [userId, key, stored.requestHash, stored.statusCode, JSON.stringify(stored.response ?? null)],
    );
  }

  async purgeExpired(): Promise<void> {
    await this.db.tx.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`,
    );
  }
}
