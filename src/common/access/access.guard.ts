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
import { AccessService, type OwnerRule, type PartyRule } from './access.service';

const ACCESS = 'echo:access';

/** What a route declared: whose resource the id in `param` must be. */
type Declared =
  | { kind: 'owner'; rule: OwnerRule; param: string }
  | { kind: 'party'; rule: PartyRule; param: string; admin: boolean };

/**
 * Checks the declared rule on the id in the path, through AccessService. It only answers
 * "may this caller?": it loads nothing for the handler, which reads what it needs itself.
 * Malformed id 400, missing resource 404, anyone else 403.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.get<Declared | undefined>(ACCESS, context.getHandler());
    if (!declared) throw new Error('AccessGuard on a route without @RequireOwner/@RequireParty');
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const ids = [
      parseId((request.params as Record<string, string>)[declared.param], declared.param),
    ];
    if (declared.kind === 'owner') {
      await this.access.requireOwner(request.user!, declared.rule, ids);
    } else {
      await this.access.requireParty(request.user!, declared.rule, ids, declared.admin);
    }
    return true;
  }
}

/** Only the owner of the resource in `param` (or an admin) may use the route. */
export const RequireOwner = (rule: OwnerRule, param = 'id') =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'owner', rule, param } satisfies Declared),
    UseGuards(AccessGuard),
  );

/**
 * Only the parties of the resource in `param` may use the route; with `admin`, admins too.
 * Where another guard must run first (a stream's own authentication), list it before this.
 */
export const RequireParty = (rule: PartyRule, options: { param: string; admin: boolean }) =>
  applyDecorators(
    SetMetadata(ACCESS, { kind: 'party', rule, ...options } satisfies Declared),
    UseGuards(AccessGuard),
  );
