import { ROLES, type AuthUser, type Role } from './roles';

/** The claims ECHO puts in its tokens. `typ` keeps a stream token from being used as a login. */
export interface TokenClaims {
  sub?: unknown;
  roles?: unknown;
  typ?: unknown;
  /**
   * The account's session version when the token was issued. A password reset, a change of
   * roles, a deactivation or a promotion raises the account's version, which ends every token
   * issued before it.
   */
  sv?: unknown;
  /** Stream tokens only: the one stream they open, e.g. "order:12". */
  scope?: unknown;
}

/** The caller a token names, with the session version it was issued under. */
export interface TokenUser extends AuthUser {
  sessionVersion: number;
}

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * The caller a verified token names, or null when its claims are not ECHO's of that type. A
 * token without a session version predates them and is refused: it cannot be told apart from
 * one issued before a promotion.
 */
export function authUserFrom(claims: TokenClaims, typ: 'access' | 'stream'): TokenUser | null {
  const id = Number(claims.sub);
  const roles = claims.roles;
  if (claims.typ !== typ || !Number.isSafeInteger(id) || id <= 0) return null;
  if (!Array.isArray(roles) || !roles.every((r) => ROLES.includes(r as Role))) return null;
  if (!isPositiveInteger(claims.sv)) return null;
  return { id, roles: roles as Role[], sessionVersion: claims.sv };
}
