import { createHmac } from 'node:crypto';
import type { Role } from '../src/common/auth/roles';

/** The secret the bench gives the service and the floor (32+ characters, as production needs). */
export const BENCH_JWT_SECRET = 'echo-bench-secret-not-for-production-0123456789';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An access token as `POST /users/login` issues it: HS256, `{sub, roles, typ: 'access', sv}`,
 * with `iat` and `exp` (`sv` 1: the seeded accounts' sessions were never ended). `iatOffset` makes tokens of the same user distinct, so every connection of a
 * scenario carries its own token and nothing can be cached across connections.
 */
export function accessToken(
  userId: number,
  roles: Role[],
  options: { secret?: string; iatOffset?: number; lifetimeSeconds?: number; typ?: string } = {},
): string {
  const iat = Math.floor(Date.now() / 1000) - (options.iatOffset ?? 0);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      sub: String(userId),
      roles,
      typ: options.typ ?? 'access',
      sv: 1,
      iat,
      exp: iat + (options.lifetimeSeconds ?? 6 * 3600),
    }),
  );
  const signature = createHmac('sha256', options.secret ?? BENCH_JWT_SECRET)
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}
