import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from './auth.decorators';
import type { AuthUser } from './roles';

/**
 * Global guard: every route needs a valid bearer token unless it is marked @Public().
 * Closed by default, so a route someone forgets to annotate is never open by accident.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
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
      throw new UnauthorizedException(
        header
          ? 'The bearer token is invalid or has expired; log in again to get a new one.'
          : 'This route needs a bearer token: send "Authorization: Bearer <token>" from /users/login.',
      );
    }
    return user;
  }
}
