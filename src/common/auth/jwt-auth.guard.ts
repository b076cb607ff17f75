import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { AccountStatus } from './account-status';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { AuthErrors } from './auth.errors';
import type { AuthUser, Role } from './roles';
import { authUserFrom, type TokenClaims, type TokenUser } from './token-claims';

type AuthRequest = FastifyRequest & { user?: AuthUser };

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235). */
const BEARER = /^bearer +(\S+)$/i;

/**
 * The one global guard for who the caller is: every route needs a valid bearer token unless
 * it is marked @Public() (closed by default, so a route someone forgets to annotate is never
 * open by accident), and a route with @Roles(...) needs one of them.
 *
 * The token is verified with HS256 only (a token signed with another algorithm, or `none`, is
 * refused), signature, expiry and not-before checked. Then the account must still be active and
 * on the session version the token was issued under; its roles are taken as they are now
 * (AccountStatus), so a deactivation, a demotion or a password reset does not wait for the
 * token to expire. Authentication and roles are one guard because the roles checked are the
 * ones the account check just read.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly accounts: AccountStatus,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const user = await this.accounts.authorize(this.verify(request.headers.authorization));
    request.user = user;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required?.length && !required.some((role) => user.roles.includes(role))) {
      throw AuthErrors.ROLE_REQUIRED(
        `Only users with the ${required.join(' or ')} role may do this.`,
      );
    }
    return true;
  }

  private verify(header: string | undefined): TokenUser {
    if (!header) {
      throw AuthErrors.TOKEN_MISSING(
        'This route needs a bearer token: send "Authorization: Bearer <token>" from /users/login.',
      );
    }
    const token = BEARER.exec(header)?.[1];
    let user: TokenUser | null = null;
    if (token) {
      try {
        user = authUserFrom(this.jwt.verify<TokenClaims & object>(token), 'access');
      } catch {
        user = null;
      }
    }
    if (!user) {
      throw AuthErrors.TOKEN_INVALID(
        'The bearer token is invalid or has expired; log in again to get a new one.',
      );
    }
    return user;
  }
}
