import { ROLES, type AuthUser, type Role } from './roles';

/** The claims ECHO puts in its tokens. `typ` keeps a stream token from being used as a login. */
export interface TokenClaims {
  sub?: unknown;
  roles?: unknown;
  typ?: unknown;
  /** Stream tokens only: the one stream they open, e.g. "order:12". */
  scope?: unknown;
}

/** The caller a verified token names, or null when its claims are not ECHO's of that type. */
export function authUserFrom(claims: TokenClaims, typ: 'access' | 'stream'): AuthUser | null {
  const id = Number(claims.sub);
  const roles = claims.roles;
  if (claims.typ !== typ || !Number.isSafeInteger(id) || id <= 0) return null;
  if (!Array.isArray(roles) || !roles.every((r) => ROLES.includes(r as Role))) return null;
  return { id, roles: roles as Role[] };
}
