import type { Request } from 'autocannon';
import type { Role } from '../src/common/auth/roles';
import type { Actor, Cast } from './cast';
import { accessToken } from './tokens';

export type Target = 'service' | 'floor';

export interface Scenario {
  /** Stable id, used by --only and in the results. */
  id: string;
  title: string;
  target: Target;
  /** Reads are held to the p99 target. */
  read: boolean;
  /** The requests one connection cycles through (each connection has its own token). */
  requestsFor(connection: number): Request[];
}

const USER: Role[] = ['USER'];
const ADMIN: Role[] = ['USER', 'ADMIN'];

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

/** The actor of a connection; every connection has its own user where the cast allows it. */
const actorOf = (actors: Actor[], connection: number) => actors[connection % actors.length];

/** A token for `userId` that no other connection carries, even for the same user. */
const tokenFor = (userId: number, roles: Role[], connection: number) =>
  accessToken(userId, roles, { iatOffset: connection });

/** Same request on every connection, each with its own token. */
const fixed = (path: string, userId: (c: number) => number, roles: Role[]) => (c: number) => [
  { method: 'GET' as const, path, headers: auth(tokenFor(userId(c), roles, c)) },
];

/** Where the floor serves its minimal GET /orders/{id} (bench/floor/server.ts). */
export const MINIMAL_PREFIX = '/minimal';

export const messageContent = (connection: number) =>
  `Bench message from connection ${connection}: the second draft is attached, see page 3.`;

/** The scenarios, in the order they run: reads, then writes. */
export function scenarios(cast: Cast): Scenario[] {
  const getOrder =
    (prefix = '') =>
    (c: number): Request[] => {
      const actor = actorOf(cast.orderReaders, c);
      const headers = auth(tokenFor(actor.userId, USER, c));
      return actor.ids.map((id) => ({ method: 'GET', path: `${prefix}/orders/${id}`, headers }));
    };
  const postMessage = (c: number): Request[] => {
    const actor = actorOf(cast.posters, c);
    const headers = json(tokenFor(actor.userId, USER, c));
    const body = JSON.stringify({ content: messageContent(c) });
    return actor.ids.map((id) => ({
      method: 'POST',
      path: `/orders/${id}/messages`,
      headers,
      body,
    }));
  };
  const busy = () => cast.busyBuyerId;
  const anyone = (c: number) => actorOf(cast.orderReaders, c).userId;
  return [
    {
      id: 'get-order',
      title: 'GET /orders/{id} as a party',
      target: 'service',
      read: true,
      requestsFor: getOrder(),
    },
    {
      id: 'get-order@floor',
      title: 'GET /orders/{id} as a party (floor)',
      target: 'floor',
      read: true,
      requestsFor: getOrder(),
    },
    {
      id: 'get-order@minimal',
      title: 'GET /orders/{id} as a party (minimal floor: JWT, one row by key, party check, JSON)',
      target: 'floor',
      read: true,
      requestsFor: getOrder(MINIMAL_PREFIX),
    },
    {
      id: 'list-orders',
      title: `GET /orders?limit=50, busy buyer (${cast.busyBuyerOrders} orders), first page`,
      target: 'service',
      read: true,
      requestsFor: fixed('/orders?limit=50', busy, USER),
    },
    {
      id: 'list-orders-deep',
      title: `GET /orders?limit=50, busy buyer, page after ${cast.deepOffset} orders`,
      target: 'service',
      read: true,
      requestsFor: fixed(`/orders?limit=50&cursor=${cast.deepCursor}`, busy, USER),
    },
    {
      id: 'list-messages',
      title: 'GET /orders/{id}/messages?limit=50 (long threads)',
      target: 'service',
      read: true,
      requestsFor: (c) => {
        const actor = actorOf(cast.threadReaders, c);
        const headers = auth(tokenFor(actor.userId, USER, c));
        return [{ method: 'GET', path: `/orders/${actor.ids[0]}/messages?limit=50`, headers }];
      },
    },
    {
      id: 'average-star',
      title: `GET /reviews/user/{id}/average, ${cast.starReviews} reviews`,
      target: 'service',
      read: true,
      requestsFor: fixed(`/reviews/user/${cast.starCreatorId}/average`, anyone, USER),
    },
    {
      id: 'average-small',
      title: `GET /reviews/user/{id}/average, ${cast.smallReviews} reviews`,
      target: 'service',
      read: true,
      requestsFor: fixed(`/reviews/user/${cast.smallCreatorId}/average`, anyone, USER),
    },
    {
      id: 'disputes-open',
      title: 'GET /disputes/open?limit=50 as ADMIN',
      target: 'service',
      read: true,
      requestsFor: fixed('/disputes/open?limit=50', () => cast.adminId, ADMIN),
    },
    {
      id: 'post-message',
      title: 'POST /orders/{id}/messages',
      target: 'service',
      read: false,
      requestsFor: postMessage,
    },
    {
      id: 'post-message@floor',
      title: 'POST /orders/{id}/messages (floor)',
      target: 'floor',
      read: false,
      requestsFor: postMessage,
    },
    {
      id: 'create-order',
      title: 'POST /orders (validated body)',
      target: 'service',
      read: false,
      requestsFor: (c) => {
        const actor = actorOf(cast.orderers, c);
        const headers = json(tokenFor(actor.userId, USER, c));
        return actor.ids.map((itemId, i) => ({
          method: 'POST',
          path: '/orders',
          headers,
          body: JSON.stringify({ itemId, finalPrice: 120 + i + 0.5 }),
        }));
      },
    },
  ];
}
