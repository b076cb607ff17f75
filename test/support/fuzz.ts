import fc from 'fast-check';
import http from 'node:http';

/**
 * Generators and a raw HTTP client for the fuzzing suite (test/e2e/fuzz.e2e-spec.ts): JSON of
 * every type written by hand, odd text, id-like strings and percent-encoding on purpose.
 */

/** What must never reach a client: stack frames, SQL, driver and constraint messages. */
export const LEAK =
  /\n\s*at |\bat \S+ \(|\.[jt]s:\d+|SELECT|INSERT|QueryFailedError|duplicate key|violates|pg_/;

/** A JSON token written as is, so -0, 1e400 or a 30-digit number reach the server as typed. */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object as a list of entries: keys may repeat, and `__proto__` is just a key. */
export class Obj {
  constructor(readonly entries: [string, Json][]) {}
}
export type Json = null | boolean | number | string | Raw | Obj | Json[];

export const serialize = (v: Json): string =>
  v instanceof Raw
    ? v.text
    : v instanceof Obj
      ? `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`
      : Array.isArray(v)
        ? `[${v.map(serialize).join(',')}]`
        : JSON.stringify(v);

const UNRESERVED = /[A-Za-z0-9._~-]/;
/** Percent-encodes every UTF-8 byte but unreserved characters; a lone surrogate becomes U+FFFD. */
export const pct = (s: string): string =>
  [...Buffer.from(s, 'utf8')]
    .map((b) => String.fromCharCode(b))
    .map((c) => (UNRESERVED.test(c) ? c : `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .join('');

/** Already encoded on purpose: broken escapes, NUL, an encoded surrogate, overlong UTF-8. */
export const RAW_ODDITIES = [
  ...['%', '%zz', '%00', '%ED%A0%80', '%FF', '%C0%AE', '+', '%2B5', '%205', '1%00', '%E2%80%AE'],
];

/** Ids as a client might mistype them (sent percent-encoded). */
export const ID_TEXTS = [
  ...['0', '-1', '1e3', ' 5', '0x10', '99999999999', '2147483648', '1.5', 'abc', '00001'],
  ...['+1', '1 ', 'NaN', 'Infinity', '-0', 'null', '__proto__', 'constructor', '١', '０'],
];

const oddChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // lone surrogates
  fc.constantFrom('\u0000', '\u202e', '\ufeff', '\n', '"', '\\', '%', '💥', '\u0130'),
);

/** Text of every kind; never text that would look like a leak when a response echoes it. */
export const text = fc
  .oneof(
    fc.constantFrom('', ' ', '1e3', ' 5', '0x10', '99999999999', '-0', 'NaN', 'Infinity', 'null'),
    fc.constantFrom('__proto__', 'constructor', "' or '1'='1", '1; drop table users --', '{{7*7}}'),
    fc.constantFrom('x'.repeat(5001), 'é'.repeat(2001), ' \t ', 'ADMIN', 'buyer', 'VENUE'),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: oddChar, maxLength: 12 }),
  )
  .filter((s) => !LEAK.test(s));

export const number: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, 5, 150, 150.07, 0.001, 2 ** 31 - 1, 2 ** 31, -1, 1_000_000.01),
  fc.constantFrom(Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2),
  fc
    .constantFrom('-0', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '1E3')
    .map((s) => new Raw(s)),
  fc
    .constantFrom('9007199254740993', '0.1e1', '150.075', '5.0', '4.9999999999999999')
    .map((s) => new Raw(s)),
);

export const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'id'),
  fc.string({ maxLength: 8 }).filter((s) => !LEAK.test(s)),
);

const { json } = fc.letrec<{ json: Json; list: Json[]; obj: Obj }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    tie('list'),
    tie('obj'),
  ),
  list: fc.array(tie('json'), { maxLength: 4 }),
  obj: fc.array(fc.tuple(key, tie('json')), { maxLength: 4 }).map((e) => new Obj(e)),
}));

/** Nesting far deeper than any DTO, as arrays or objects. */
const deep = fc
  .tuple(fc.integer({ min: 30, max: 20_000 }), fc.boolean())
  .map(
    ([n, arrays]): Json =>
      new Raw(
        arrays ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
      ),
  );

/** Any JSON value: scalars, arrays where objects are expected, deep nesting. */
export const anyJson = fc.oneof({ weight: 5, arbitrary: json }, { weight: 1, arbitrary: deep });

/** Bodies that are not JSON, or JSON that a lenient parser might still accept. */
export const NOT_JSON = [
  ...['', '{', '{"a":', "{'a':1}", '[1,]', '{"a":1}{', 'NaN', '\u0000', '"\\ud800"'],
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
];

export const isoDate = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-12-31T20:00:00', '2026-13-01T00:00:00Z', '2026-02-30T10:00:00+01:00'),
  fc.constantFrom('0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'yesterday'),
);

/** Keyset cursors as the server writes them (base64url of a JSON array), holding anything. */
export const cursor = json.map((v) => Buffer.from(serialize([v]), 'utf8').toString('base64url'));

export interface Reply {
  status: number;
  type: string;
  requestId: string;
  text: string;
}

/**
 * Sends requests over one keep-alive connection with node:http, which sends the path exactly
 * as given. An event stream is cut as soon as its headers arrive, so SSE routes are fuzzed
 * like the others without staying open.
 */
export function rawClient(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | null,
  ): Promise<Reply> =>
    new Promise((done, fail) => {
      const h: Record<string, string> = { ...headers };
      if (body !== null) {
        h['content-type'] = 'application/json';
        h['content-length'] = String(Buffer.byteLength(body));
      }
      const options = { host: '127.0.0.1', port, path, method, headers: h, agent };
      const req = http.request(options, (res) => {
        const reply: Reply = {
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          requestId: String(res.headers['x-request-id'] ?? ''),
          text: '',
        };
        if (reply.type.startsWith('text/event-stream')) {
          req.destroy();
          return done(reply);
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (reply.text += chunk));
        res.on('end', () => done(reply));
      });
      req.setTimeout(10_000, () => req.destroy(new Error('no response within 10 s')));
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  return { send, close: () => agent.destroy() };
}
