import type { Cast } from './cast';
import { MINIMAL_PREFIX as MINIMAL } from './scenarios';
import { accessToken } from './tokens';

/** Service and floor side by side, before anything is measured. */
export interface Parity {
  /** GET /orders/{id}: identical bodies (as text) for each order checked. */
  getOrder: { checked: number; identical: boolean; example: { service: string; floor: string } };
  /** The same for the minimal floor's GET /minimal/orders/{id}. */
  getOrderMinimal: { checked: number; identical: boolean; example: string };
  /** POST /orders/{id}/messages: both 201, same fields of the same types, same content. */
  postMessage: { identical: boolean; service: unknown; floor: unknown };
  /**
   * Status codes of refused requests (bad tokens, strangers, bad ids, bad bodies); `minimal`
   * for the GET requests, sent to the minimal floor too.
   */
  refusals: { case: string; service: number; floor: number; minimal?: number }[];
  ok: boolean;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  token?: string | null;
  body?: unknown;
  rawAuthorization?: string;
}

async function call(base: string, c: Call): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (c.rawAuthorization !== undefined) headers.authorization = c.rawAuthorization;
  else if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${c.path}`, {
    method: c.method,
    headers,
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  return { status: res.status, text: await res.text() };
}

const shape = (value: unknown) =>
  value && typeof value === 'object'
    ? Object.entries(value).map(([k, v]) => `${k}:${typeof v}`)
    : [];

export async function checkParity(service: string, floor: string, cast: Cast): Promise<Parity> {
  // GET: the first order of each of the first four readers (buyers and sellers alike).
  const reads = cast.orderReaders.slice(0, 4).map((a) => ({ user: a.userId, order: a.ids[0] }));
  let identical = true;
  let minimalIdentical = true;
  let example = { service: '', floor: '' };
  let minimalExample = '';
  for (const { user, order } of reads) {
    const get: Call = {
      method: 'GET',
      path: `/orders/${order}`,
      token: accessToken(user, ['USER']),
    };
    const [s, f, m] = await Promise.all([
      call(service, get),
      call(floor, get),
      call(floor, { ...get, path: `${MINIMAL}${get.path}` }),
    ]);
    if (s.status !== 200 || f.status !== 200 || s.text !== f.text) identical = false;
    if (s.status !== 200 || m.status !== 200 || s.text !== m.text) minimalIdentical = false;
    if (!example.service) example = { service: s.text, floor: f.text };
    if (!minimalExample) minimalExample = m.text;
  }

  const poster = cast.posters[0];
  const content = '  Parity check: same message to both.  ';
  const post: Call = {
    method: 'POST',
    path: `/orders/${poster.ids[0]}/messages`,
    token: accessToken(poster.userId, ['USER']),
    body: { content },
  };
  const ps = await call(service, post);
  const pf = await call(floor, post);
  const sBody = JSON.parse(ps.text) as Record<string, unknown>;
  const fBody = JSON.parse(pf.text) as Record<string, unknown>;
  const postIdentical =
    ps.status === 201 &&
    pf.status === 201 &&
    JSON.stringify(shape(sBody)) === JSON.stringify(shape(fBody)) &&
    sBody.content === fBody.content &&
    sBody.orderId === fBody.orderId &&
    sBody.senderId === fBody.senderId;

  const reader = cast.orderReaders[0];
  const order = reader.ids[0];
  const own = accessToken(reader.userId, ['USER']);
  const posterToken = accessToken(poster.userId, ['USER']);
  const [h, p, sig] = own.split('.');
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  const cases: [string, Call][] = [
    ['no token', { method: 'GET', path: `/orders/${order}` }],
    ['not a bearer header', { method: 'GET', path: `/orders/${order}`, rawAuthorization: own }],
    [
      'bad signature',
      { method: 'GET', path: `/orders/${order}`, token: `${h}.${p}.${sig.slice(0, -2)}AA` },
    ],
    ['alg none', { method: 'GET', path: `/orders/${order}`, token: none }],
    [
      'wrong secret',
      {
        method: 'GET',
        path: `/orders/${order}`,
        token: accessToken(reader.userId, ['USER'], { secret: 'x'.repeat(40) }),
      },
    ],
    [
      'expired',
      {
        method: 'GET',
        path: `/orders/${order}`,
        token: accessToken(reader.userId, ['USER'], { iatOffset: 7200, lifetimeSeconds: 3600 }),
      },
    ],
    [
      'stream token',
      {
        method: 'GET',
        path: `/orders/${order}`,
        token: accessToken(reader.userId, ['USER'], { typ: 'stream' }),
      },
    ],
    [
      'stranger',
      { method: 'GET', path: `/orders/${order}`, token: accessToken(cast.strangerId, ['USER']) },
    ],
    [
      'admin, not a party',
      {
        method: 'GET',
        path: `/orders/${order}`,
        token: accessToken(cast.adminId, ['USER', 'ADMIN']),
      },
    ],
    ['missing order', { method: 'GET', path: '/orders/2147483647', token: own }],
    ['malformed id', { method: 'GET', path: '/orders/1e3', token: own }],
    ['empty message', { ...post, token: posterToken, body: { content: '   ' } }],
    ['unknown field', { ...post, token: posterToken, body: { content: 'hi', extra: 1 } }],
    [
      'admin posting',
      { ...post, token: accessToken(cast.adminId, ['USER', 'ADMIN']), body: { content: 'hi' } },
    ],
  ];
  if (cast.cancelledOrderOfPoster) {
    cases.push([
      'cancelled order',
      { ...post, path: `/orders/${cast.cancelledOrderOfPoster}/messages`, token: posterToken },
    ]);
  }
  const refusals: Parity['refusals'] = [];
  for (const [name, c] of cases) {
    const [s, f] = await Promise.all([call(service, c), call(floor, c)]);
    const refusal: Parity['refusals'][number] = { case: name, service: s.status, floor: f.status };
    if (c.method === 'GET') {
      refusal.minimal = (await call(floor, { ...c, path: `${MINIMAL}${c.path}` })).status;
    }
    refusals.push(refusal);
  }
  const refusalsMatch = refusals.every(
    (r) => r.service === r.floor && (r.minimal === undefined || r.minimal === r.service),
  );
  return {
    getOrder: { checked: reads.length, identical, example },
    getOrderMinimal: {
      checked: reads.length,
      identical: minimalIdentical,
      example: minimalExample,
    },
    postMessage: { identical: postIdentical, service: sBody, floor: fBody },
    refusals,
    ok: identical && minimalIdentical && postIdentical && refusalsMatch,
  };
}
