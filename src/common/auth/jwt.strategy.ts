import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JWT_SECRET } from './jwt-secret';
import { authUserFrom, type TokenClaims, type TokenUser } from './token-claims';

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 only (a token signed with another algorithm,
 * or `none`, is refused), signature, expiry and not-before checked.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_SECRET) secret: Buffer) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secret, // a KeyObject, see AuthModule
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  // Passport keeps strategies in a process-wide registry, so this stays free of per-app state;
  // the account check (active, current roles) is done by JwtAuthGuard with its own services.
  validate(claims: TokenClaims): TokenUser | false {
    return authUserFrom(claims, 'access') ?? false;
  }
}
