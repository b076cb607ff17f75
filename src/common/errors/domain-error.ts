/**
 * Domain errors: a stable UPPER_SNAKE_CASE code that clients switch on, the HTTP status it maps
 * to, and a sentence a person can act on. Services throw them; AllExceptionsFilter turns them
 * into the one error body. A code never changes meaning once published.
 *
 * Each feature declares its codes next to its rules (`orders/order.errors.ts`) with
 * `defineErrors`, which also enters them in the catalogue that the OpenAPI document lists.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface ErrorDefinition {
  status: number;
  /** What the code means, for the catalogue in the OpenAPI document. */
  meaning: string;
}

const catalogue = new Map<string, ErrorDefinition>();

/** Every code declared so far, with its status and meaning, sorted by code. */
export function errorCatalogue(): [string, ErrorDefinition][] {
  return [...catalogue.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function definitionOf(code: string): ErrorDefinition | undefined {
  return catalogue.get(code);
}

/**
 * Declares a feature's error codes and returns a factory per code:
 * `throw OrderErrors.ORDER_NOT_FOUND(\`Order ${id} does not exist.\`)`.
 * Declaring one code twice, with another meaning, is a programming error caught at start-up.
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(
  definitions: T,
): { [K in keyof T]: (message: string) => DomainError } {
  const factories = {} as Record<string, (message: string) => DomainError>;
  for (const [code, definition] of Object.entries(definitions)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code))
      throw new Error(`Error code ${code} is not UPPER_SNAKE_CASE`);
    const known = catalogue.get(code);
    if (known && (known.status !== definition.status || known.meaning !== definition.meaning)) {
      throw new Error(`Error code ${code} is declared twice with different meanings`);
    }
    catalogue.set(code, definition);
    factories[code] = (message: string) => new DomainError(code, definition.status, message);
  }
  return factories as { [K in keyof T]: (message: string) => DomainError };
}

/**
 * The codes of failures that no one feature owns: what the platform, the validation pipe and the
 * guards refuse. An HttpException thrown without a code gets the one for its status.
 */
export const CommonErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, meaning: 'A field, query parameter or path id is invalid.' },
  BODY_REQUIRED: { status: 400, meaning: 'The route needs a JSON body and got none.' },
  INVALID_JSON: { status: 400, meaning: 'The body is not valid JSON.' },
  BAD_REQUEST: { status: 400, meaning: 'The request cannot be read or is not allowed as sent.' },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    meaning: 'The Idempotency-Key header is not 1 to 255 visible ASCII characters.',
  },
  UNAUTHENTICATED: { status: 401, meaning: 'No bearer token, or one that is invalid or expired.' },
  FORBIDDEN: { status: 403, meaning: 'Signed in, but not allowed to do this.' },
  NOT_FOUND: { status: 404, meaning: 'The resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No route has this method and path.' },
  CONFLICT: { status: 409, meaning: 'The request conflicts with the current state.' },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    meaning: 'A request with this Idempotency-Key is still being processed.',
  },
  BODY_TOO_LARGE: { status: 413, meaning: 'The body is larger than BODY_LIMIT_BYTES.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The body is not JSON.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    meaning: 'The Idempotency-Key was used before with a different request.',
  },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests; wait for Retry-After seconds.' },
  INTERNAL_ERROR: { status: 500, meaning: 'A fault on the server; quote the requestId.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    meaning:
      'The database is unreachable or did not answer in time, a dependency is not configured, ' +
      'or the server is stopping. Retry a write with the same Idempotency-Key: when the ' +
      'database stopped answering during its commit, it may have been saved.',
  },
  HEADERS_TOO_LARGE: { status: 431, meaning: 'The URL or the headers are too large.' },
  REQUEST_TIMEOUT: { status: 408, meaning: 'The request took too long to arrive.' },
});

/** The code an HttpException without one of its own gets, by status. */
export const CODE_FOR_STATUS: Record<number, keyof typeof CommonErrors> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'IDEMPOTENCY_KEY_REUSED',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};
