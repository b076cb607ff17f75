import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const JWT_SECRET = Symbol('JWT_SECRET');

/**
 * JWT_SECRET when set (required in production). In development a random secret is made once
 * and kept in DATA_DIR, so tokens survive restarts without anyone choosing a weak secret.
 */
export function resolveJwtSecret(env: { JWT_SECRET?: string; DATA_DIR: string }): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  const dir = resolve(env.DATA_DIR);
  const file = join(dir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
