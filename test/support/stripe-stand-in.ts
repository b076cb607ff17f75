import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the two Stripe API endpoints ECHO calls, speaking Stripe's wire format:
 * form-encoded POSTs with a bearer secret key and an Idempotency-Key, JSON objects and Stripe's
 * error envelope back. It is not Stripe; it is what the official SDK is pointed at in the tests
 * (STRIPE_API_URL), since Stripe cannot be reached from here.
 *
 * - POST /v1/refunds (payment_intent or charge, amount) -> a refund object, status succeeded.
 * - POST /v1/transfers (amount, currency, destination) -> a transfer object; a destination of
 *   `acct_missing` is refused like an unknown account (400, invalid_request_error).
 * - A repeated Idempotency-Key gets the first answer again, as Stripe does, without a second
 *   object: `created` counts the objects made.
 * - `failNext(n)` answers the next n requests with a 500, as an outage would.
 */
export interface StripeStandIn {
  url: string;
  /** Every request received, in order, with its form fields and Idempotency-Key. */
  requests: { path: string; key: string | undefined; form: Record<string, string> }[];
  /** The objects made, by path. */
  created: { refunds: number; transfers: number };
  failNext(n: number): void;
  close(): Promise<void>;
}

const hex = () => randomBytes(8).toString('hex');

export async function startStripeStandIn(secretKey: string): Promise<StripeStandIn> {
  const answers = new Map<string, { status: number; body: unknown }>();
  const stand: Omit<StripeStandIn, 'url' | 'close'> & { failures: number } = {
    requests: [],
    created: { refunds: 0, transfers: 0 },
    failures: 0,
    failNext(n: number) {
      stand.failures = n;
    },
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_${hex()}` });
    res.end(JSON.stringify(body));
  };
  const error = (type: string, message: string, code?: string) => ({
    error: { type, message, ...(code && { code }) },
  });

  const make = (path: string, form: Record<string, string>): { status: number; body: unknown } => {
    const amount = Number(form.amount);
    if (!Number.isInteger(amount) || amount <= 0) {
      return { status: 400, body: error('invalid_request_error', 'Invalid positive integer') };
    }
    const created = Math.floor(Date.now() / 1000);
    if (path === '/v1/refunds') {
      if (!form.payment_intent && !form.charge) {
        return {
          status: 400,
          body: error('invalid_request_error', 'One of charge or payment_intent is required.'),
        };
      }
      stand.created.refunds++;
      return {
        status: 200,
        body: {
          id: `re_${hex()}`,
          object: 'refund',
          amount,
          charge: form.charge ?? `ch_${hex()}`,
          created,
          currency: 'eur',
          metadata: metadataOf(form),
          payment_intent: form.payment_intent ?? null,
          status: 'succeeded',
        },
      };
    }
    if (form.destination === 'acct_missing') {
      return {
        status: 400,
        body: error(
          'invalid_request_error',
          `No such destination: '${form.destination}'`,
          'resource_missing',
        ),
      };
    }
    stand.created.transfers++;
    return {
      status: 200,
      body: {
        id: `tr_${hex()}`,
        object: 'transfer',
        amount,
        created,
        currency: form.currency,
        destination: form.destination,
        metadata: metadataOf(form),
        reversed: false,
        transfer_group: form.transfer_group ?? null,
      },
    };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const key = req.headers['idempotency-key'] as string | undefined;
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      stand.requests.push({ path, key, form });
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return reply(res, 401, error('invalid_request_error', 'Invalid API Key provided'));
      }
      if (req.method !== 'POST' || (path !== '/v1/refunds' && path !== '/v1/transfers')) {
        return reply(
          res,
          404,
          error('invalid_request_error', `Unrecognized request URL (${path})`),
        );
      }
      if (stand.failures > 0) {
        stand.failures--;
        return reply(res, 500, error('api_error', 'An unknown error occurred'));
      }
      const remembered = key === undefined ? undefined : answers.get(`${path} ${key}`);
      const answer = remembered ?? make(path, form);
      if (key !== undefined && !remembered) answers.set(`${path} ${key}`, answer);
      reply(res, answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // The same array and counters the server fills in.
    requests: stand.requests,
    created: stand.created,
    failNext: stand.failNext,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Stripe's form encoding of `metadata[key]=value`, back to an object. */
const metadataOf = (form: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([k]) => k.startsWith('metadata['))
      .map(([k, v]) => [k.slice('metadata['.length, -1), v]),
  );
