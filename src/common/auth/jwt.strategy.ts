import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JWT_SECRET } from './jwt-secret';
import type { AuthUser } from './roles';
import { authUserFrom, type TokenClaims } from './token-claims';

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 only (a token signed with another algorithm,
 * or `none`, is refused), signature, expiry and not-before checked.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_SECRET) secret: string) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every request, which was a third of the CPU of a simple GET. passport-jwt
      // hands the key to jsonwebtoken unchanged; only its type declaration says string | Buffer.
      secretOrKey: createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  // Passport keeps strategies in a process-wide registry, so this stays free of per-app state;
  // the account check (active, current roles) is done by JwtAuthGuard with its own services.
  validate(claims: TokenClaims): AuthUser | false {
    return authUserFrom(claims, 'access') ?? false;
  }
}
