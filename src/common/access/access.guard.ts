import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/roles';
import { parseId } from '../parse-id.pipe';
import { AccessService, type OwnerRule } from './access.service';

const OWNER_RULE = 'echo:ownerRule';

interface Declared {
  rule: OwnerRule;
  param: string;
}

/** Checks the declared rule on the id in the path; it loads nothing for the handler. */
@Injectable()
export class OwnerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { rule, param } = this.reflector.get<Declared>(OWNER_RULE, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const id = parseId((request.params as Record<string, string>)[param], param);
    await this.access.requireOwner(request.user!, rule, [id]);
    return true;
  }
}

/** Declares that only the owner of the resource in `param` (or an admin) may use the route. */
export const RequireOwner = (rule: OwnerRule, param = 'id') =>
  applyDecorators(SetMetadata(OWNER_RULE, { rule, param }), UseGuards(OwnerGuard));
