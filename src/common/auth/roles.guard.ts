import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { REQUIRED_ROLES } from './auth.decorators';
import type { AuthUser, Role } from './roles';
import { AuthErrors } from './auth.errors';

/** Global guard, after JwtAuthGuard: enforces @Roles(...) where a route declares it. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0) return true;
    const user = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>().user;
    if (user && required.some((role) => user.roles.includes(role))) return true;
    throw AuthErrors.ROLE_REQUIRED(
      `Only users with the ${required.join(' or ')} role may do this.`,
    );
  }
}
