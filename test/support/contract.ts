import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every response the e2e suite receives is checked against the committed openapi.json, the
 * document generated clients trust: its status must be documented for the operation, and its
 * body must match the declared schema. Checked in the server (a Fastify onSend hook added by
 * startTestApp), so supertest, fetch, the typed client and raw sockets are all covered.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };
interface MediaType {
  schema?: Schema;
}
interface Response {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface ContractViolation {
  operation: string;
  status: number;
  problem: string;
  /** The first body that showed the problem. */
  body?: unknown;
  /** How many responses showed it. */
  times: number;
}

/**
 * Routes the document leaves out on purpose: Prometheus metrics are text for a scraper, not
 * part of the client API. Docs and CORS preflights are not operations at all.
 */
const OUTSIDE_THE_DOCUMENT = new Set(['GET /metrics']);
const ERROR_BODY: Schema = { $ref: '#/components/schemas/ErrorResponseDto' };

/** OpenAPI 3.0 → JSON Schema for Ajv: `nullable`, refs into one root, and closed objects. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example') continue;
    // Property names are data, not keywords: only their values are schemas.
    out[key] =
      key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]))
        : key === '$ref' && typeof value === 'string'
          ? value.replace('#/components/schemas/', 'openapi#/definitions/')
          : toJsonSchema(value);
  }
  // A field the document does not declare is drift too: a generated client would not know it.
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (node.nullable === true) {
    if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export class OpenApiContract {
  readonly violations: ContractViolation[] = [];
  /** Responses checked against an operation of the document, by "METHOD /path status". */
  readonly validated = new Map<string, number>();
  /** Responses that belong to no operation and carry no error body (docs, CORS preflights). */
  outside = 0;

  /** 500s a test provokes on purpose (a table renamed away); any other 500 is a violation. */
  private serverErrorsExpected = 0;
  private readonly document: Document;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: Document) {
    this.document = document;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const definitions = toJsonSchema(document.components.schemas);
    this.ajv.addSchema({ $id: 'openapi', definitions });
  }

  /** The next 500 is the point of the test, not a fault. */
  expectServerError(): void {
    this.serverErrorsExpected++;
  }

  get count(): number {
    return [...this.validated.values()].reduce((a, b) => a + b, 0);
  }

  /** Checks one response; `path` is the route as OpenAPI writes it (/orders/{id}). */
  check(method: string, path: string | undefined, status: number, body: BodyRead): void {
    const key = `${method.toUpperCase()} ${path}`;
    if (path === undefined) {
      // No route matched (an unknown URL): still the one error body.
      if (body.kind === 'json') this.validate('(no route)', status, ERROR_BODY, body);
      else this.outside++;
      return;
    }
    const operation = this.document.paths[path]?.[method];
    if (!operation) {
      if (OUTSIDE_THE_DOCUMENT.has(key) || !this.isApiRoute(path)) {
        this.outside++;
        return;
      }
      this.violate({ operation: key, status, problem: 'the operation is not documented' });
      return;
    }
    if (status >= 500 && status !== 503) {
      if (this.serverErrorsExpected > 0) this.serverErrorsExpected--;
      else
        this.violate({ operation: key, status, problem: 'a server error', body: readable(body) });
    }
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (!response) {
      this.violate({
        operation: key,
        status,
        problem: 'undocumented status',
        body: readable(body),
      });
      return;
    }
    const media = response.content?.['application/json'];
    if (!media?.schema) {
      this.tally(key, status);
      if (body.kind === 'json') {
        const problem = 'a JSON body where the document declares none';
        this.violate({ operation: key, status, problem, body: body.value });
      }
      return;
    }
    this.validate(key, status, media.schema, body);
  }

  private validate(key: string, status: number, schema: Schema, body: BodyRead): void {
    this.tally(key, status);
    if (body.kind === 'unread') return;
    if (body.kind !== 'json') {
      this.violate({ operation: key, status, problem: `no JSON body (${body.kind})` });
      return;
    }
    const validate = this.validatorFor(`${key} ${status}`, schema);
    if (!validate(body.value)) {
      const problem = this.ajv.errorsText(validate.errors, { dataVar: 'body' });
      this.violate({ operation: key, status, problem, body: body.value });
    }
  }

  private violate(found: Omit<ContractViolation, 'times'>): void {
    const same = this.violations.find(
      (v) =>
        v.operation === found.operation && v.status === found.status && v.problem === found.problem,
    );
    if (same) same.times++;
    else this.violations.push({ ...found, times: 1 });
  }

  private tally(key: string, status: number): void {
    const name = `${key} ${status}`;
    this.validated.set(name, (this.validated.get(name) ?? 0) + 1);
  }

  private validatorFor(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Documented paths start with one of these segments; anything else (docs) is not the API. */
  private isApiRoute(path: string): boolean {
    const first = path.split('/')[1];
    return Object.keys(this.document.paths).some((p) => p.split('/')[1] === first);
  }
}

export type BodyRead =
  | { kind: 'empty' }
  /** A stream (server-sent events), or a HEAD response: only the status is checked. */
  | { kind: 'unread' }
  | { kind: 'text'; value: string }
  | { kind: 'json'; value: unknown };

function readBody(reply: FastifyReply, payload: unknown): BodyRead {
  if (payload === undefined || payload === null || payload === '') return { kind: 'empty' };
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return { kind: 'unread' };
  const text = payload.toString();
  const type = String(reply.getHeader('content-type') ?? '');
  if (!/^application\/json\b/.test(type)) return { kind: 'text', value: text };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'text', value: text };
  }
}

const readable = (body: BodyRead): unknown => ('value' in body ? body.value : body.kind);

let shared: OpenApiContract | undefined;

/** One contract per test file (Jest gives each file its own module registry). */
export function contract(): OpenApiContract {
  shared ??= new OpenApiContract(
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as Document,
  );
  return shared;
}

/** Adds the check to an app's Fastify instance; call before the app is initialised. */
export function checkResponsesAgainstDocument(fastify: FastifyInstance, prefix: string): void {
  const checked = contract();
  fastify.addHook(
    'onSend',
    async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const url = request.routeOptions.url;
      const path =
        url === undefined || (prefix && !url.startsWith(prefix))
          ? undefined
          : url.slice(prefix.length).replace(/:([A-Za-z]+)/g, '{$1}') || '/';
      const head = request.method === 'HEAD';
      const method = head ? 'get' : request.method.toLowerCase();
      const body = head ? { kind: 'unread' as const } : readBody(reply, payload);
      checked.check(method, path, reply.statusCode, body);
      return payload;
    },
  );
}
