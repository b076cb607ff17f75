import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { DisputeStatus } from '../../disputes/dispute.entity';
import { isAdmin, type AuthUser } from '../auth/roles';
import { parseId } from '../parse-id.pipe';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(user: AuthUser, id: number): Promise<DisputeAccess> {
    const rows: { order_id: number; status: DisputeStatus; buyer_id: number; seller_id: number }[] =
      await this.dataSource.query(
        `SELECT d.order_id, d.status, o.buyer_id, o.seller_id
         FROM disputes d JOIN orders o ON o.id = d.order_id WHERE d.id = $1`,
        [id],
      );
    if (!rows.length) throw new NotFoundException(`Dispute ${id} does not exist.`);
    const row = rows[0];
    const access: DisputeAccess = {
      disputeId: id,
      orderId: row.order_id,
      status: row.status,
      isParty: row.buyer_id === user.id || row.seller_id === user.id,
      isAdmin: isAdmin(user),
    };
    if (!access.isParty && !access.isAdmin) {
      throw new ForbiddenException('Only the parties to this dispute or an admin may do this.');
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
