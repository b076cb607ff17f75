import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JWT_SECRET } from './jwt-secret';
import { ROLES, type AuthUser, type Role } from './roles';

interface TokenPayload {
  sub?: unknown;
  roles?: unknown;
  typ?: unknown;
}

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 only (a token signed with another algorithm,
 * or `none`, is refused), signature and expiry checked. The token carries the user id and
 * roles, so a request costs no database lookup; role changes apply from the next login.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_SECRET) secret: string) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(payload: TokenPayload): AuthUser | false {
    const id = Number(payload.sub);
    const roles = payload.roles;
    if (payload.typ !== 'access' || !Number.isSafeInteger(id) || id <= 0) return false;
    if (!Array.isArray(roles) || !roles.every((r) => ROLES.includes(r as Role))) return false;
    return { id, roles: roles as Role[] };
  }
}
