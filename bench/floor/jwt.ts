import { createHmac, timingSafeEqual } from 'node:crypto';
import { authUserFrom, type TokenClaims, type TokenUser } from '../../src/common/auth/token-claims';

const BEARER = /(\S+)\s+(\S+)/;

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The caller named by `Authorization: Bearer <JWT>`, or null: the checks the service's
 * JwtAuthGuard makes (through @nestjs/jwt and jsonwebtoken), written out with node:crypto. HS256 only,
 * signature, `nbf` and `exp` when present, then the same claim check (`typ: 'access'`, a
 * positive integer `sub`, known roles) from src/common/auth/token-claims.ts.
 */
export function verifyBearer(header: string | undefined, secret: string): TokenUser | null {
  const match = header ? BEARER.exec(header) : null;
  if (!match || match[1].toLowerCase() !== 'bearer') return null;
  const parts = match[2].split('.');
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts;
  const jose = decodeJson(head) as { alg?: unknown } | undefined;
  if (!jose || jose.alg !== 'HS256' || !signature) return null;
  // Compared as text, as jws does: another encoding of the same bytes is refused too.
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url'),
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = decodeJson(body) as (TokenClaims & { exp?: unknown; nbf?: unknown }) | undefined;
  if (!claims || typeof claims !== 'object') return null;
  const now = Math.floor(Date.now() / 1000);
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) {
    return null;
  }
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || now >= claims.exp)) {
    return null;
  }
  return authUserFrom(claims, 'access');
}
