import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isAdmin, type AuthUser } from '../common/auth/roles';
import { parseId } from '../common/parse-id.pipe';
import type { DisputeStatus } from './dispute.entity';
import { DisputeErrors, disputeNotFound } from './dispute.errors';
import { DisputesRepository } from './disputes.repository';

/** A dispute and the parties of its order, as the access check sees them. */
export interface DisputeAccess {
  disputeId: number;
  orderId: number;
  status: DisputeStatus;
  isParty: boolean;
  isAdmin: boolean;
}

type RequestWithAccess = FastifyRequest & { user?: AuthUser; disputeAccess?: DisputeAccess };

/** Loads a dispute with its order's parties: 404 when missing, 403 for anyone else. */
@Injectable()
export class DisputeAccessService {
  constructor(private readonly disputes: DisputesRepository) {}

  async check(user: AuthUser, id: number): Promise<DisputeAccess> {
    const row = await this.disputes.partiesOf(id);
    if (!row) throw disputeNotFound(id);
    const access: DisputeAccess = {
      disputeId: id,
      orderId: row.orderId,
      status: row.status,
      isParty: row.buyerId === user.id || row.sellerId === user.id,
      isAdmin: isAdmin(user),
    };
    if (!access.isParty && !access.isAdmin) {
      throw DisputeErrors.DISPUTE_ACCESS_DENIED(
        'Only the parties to this dispute or an admin may do this.',
      );
    }
    return access;
  }
}

/**
 * Lets through the dispute's creator, the other party of its order, and admins, for the
 * dispute in `:id`. Malformed id 400, no such dispute 404, others 403.
 */
@Injectable()
export class DisputePartyGuard implements CanActivate {
  constructor(private readonly access: DisputeAccessService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithAccess>();
    const id = parseId((request.params as Record<string, string>).id, 'id');
    request.disputeAccess = await this.access.check(request.user!, id);
    return true;
  }
}

/** Declares that a route is about the dispute in `:id`, open to its parties and admins. */
export const DisputeParty = () => applyDecorators(UseGuards(DisputePartyGuard));

export const CurrentDispute = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const access = ctx.switchToHttp().getRequest<RequestWithAccess>().disputeAccess;
  if (!access) throw new Error('CurrentDispute used on a route without @DisputeParty()');
  return access;
});
