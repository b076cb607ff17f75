import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AccountStatus } from './account-status';
import { IS_PUBLIC } from './auth.decorators';
import { AuthErrors } from './auth.errors';
import type { AuthUser } from './roles';
import type { TokenUser } from './token-claims';

/**
 * Global guard: every route needs a valid bearer token unless it is marked @Public().
 * Closed by default, so a route someone forgets to annotate is never open by accident.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: AccountStatus,
  ) {
    super();
  }

  /**
   * After the token checks out, the account must still be active and on the session version
   * the token was issued under; its roles are taken as they are now (AccountStatus), so a
   * deactivation, a demotion or a password reset does not wait for the token to expire.
   */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    request.user = await this.accounts.authorize(request.user as TokenUser);
    return true;
  }

  handleRequest<TUser = AuthUser>(
    err: unknown,
    user: TUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (err || !user) {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const header = request.headers.authorization;
      throw header
        ? AuthErrors.TOKEN_INVALID(
            'The bearer token is invalid or has expired; log in again to get a new one.',
          )
        : AuthErrors.TOKEN_MISSING(
            'This route needs a bearer token: send "Authorization: Bearer <token>" from /users/login.',
          );
    }
    return user;
  }
}
