import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthUser, Role } from './roles';

export const IS_PUBLIC = 'echo:isPublic';
export const REQUIRED_ROLES = 'echo:roles';

/** Opens a route to anonymous callers. Every other route requires a valid bearer token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route further to callers holding one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The verified caller. Only on routes that are not @Public(). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
  if (!request.user) throw new Error('CurrentUser used on a route without authentication');
  return request.user;
});
