/**
 * ECHO's typed client: the request and response types are generated from openapi.json
 * (`npm run openapi`), and openapi-fetch turns them into typed calls. No endpoint is written
 * by hand here.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';
export type EchoClient = Client<paths>;

export interface EchoClientOptions {
  /** e.g. https://api.echo.example or http://localhost:8084 (with any API_PREFIX). */
  baseUrl: string;
  /** The bearer token, or a function returning the current one (after a login). */
  token?: string | (() => string | undefined);
}

export function createEchoClient({ baseUrl, token }: EchoClientOptions): EchoClient {
  const client = createClient<paths>({ baseUrl });
  client.use({
    onRequest({ request }) {
      const current = typeof token === 'function' ? token() : token;
      if (current) request.headers.set('Authorization', `Bearer ${current}`);
      return request;
    },
  });
  return client;
}
