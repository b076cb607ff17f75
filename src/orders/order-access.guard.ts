import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isAdmin, type AuthUser } from '../common/auth/roles';
import { parseId } from '../common/parse-id.pipe';
import { OrderErrors, orderNotFound } from './order.errors';
import { OrdersRepository, type OrderView } from './orders.repository';

/** Who the caller is to the order a route is about. */
export interface OrderAccess {
  order: OrderView;
  isBuyer: boolean;
  isSeller: boolean;
  isAdmin: boolean;
}

export interface OrderPartyOptions {
  /** The path parameter holding the order id. */
  param: 'id' | 'orderId';
  /** Whether an admin who is not a party passes too (reads and admin actions). */
  admin: boolean;
}

export const ORDER_PARTY = 'echo:orderParty';
type RequestWithAccess = FastifyRequest & { user?: AuthUser; orderAccess?: OrderAccess };

/** Loads an order and checks the caller's relation to it: 404 when missing, 403 for others. */
@Injectable()
export class OrderAccessService {
  constructor(private readonly orders: OrdersRepository) {}

  async check(user: AuthUser, orderId: number, allowAdmin: boolean): Promise<OrderAccess> {
    const order = await this.orders.findView(orderId, user.id);
    if (!order) throw orderNotFound(orderId);
    const access: OrderAccess = {
      order,
      isBuyer: order.buyerId === user.id,
      isSeller: order.sellerId === user.id,
      isAdmin: isAdmin(user),
    };
    const isParty = access.isBuyer || access.isSeller;
    if (!isParty && !(allowAdmin && access.isAdmin)) {
      throw OrderErrors.ORDER_PARTY_REQUIRED(
        allowAdmin
          ? 'Only the buyer, the seller or an admin may do this on this order.'
          : 'Only the buyer or the seller of this order may do this.',
      );
    }
    return access;
  }
}

/**
 * Loads the order named in the path once and lets through its buyer, its seller and, where the
 * route says so, an admin. Malformed id 400, no such order 404, anyone else 403.
 */
@Injectable()
export class OrderPartyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: OrderAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.get<OrderPartyOptions>(ORDER_PARTY, context.getHandler());
    const request = context.switchToHttp().getRequest<RequestWithAccess>();
    const params = request.params as Record<string, string>;
    const id = parseId(params[options.param], options.param);
    request.orderAccess = await this.access.check(request.user!, id, options.admin);
    return true;
  }
}

/** Declares that a route is about the order in `param`, and who may use it. */
export const OrderParty = (options: OrderPartyOptions) =>
  applyDecorators(SetMetadata(ORDER_PARTY, options), UseGuards(OrderPartyGuard));

/** The order and the caller's relation to it, as checked by OrderPartyGuard. */
export const CurrentOrder = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const access = ctx.switchToHttp().getRequest<RequestWithAccess>().orderAccess;
  if (!access) throw new Error('CurrentOrder used on a route without @OrderParty()');
  return access;
});
