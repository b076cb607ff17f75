import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = Symbol('echo.requestId');
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

type Tagged = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * The id of a request: the caller's `X-Request-Id` when it is a short safe token, otherwise a
 * new UUID. Computed once per request and shared by Fastify, the logger and error bodies.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const tagged = raw as Tagged;
  if (tagged[REQUEST_ID]) return tagged[REQUEST_ID];
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
  tagged[REQUEST_ID] = id;
  return id;
}
