import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The security headers helmet sets, computed once at start-up. With static options they are
 * the same on every response, so building them per request (what helmet's middleware does)
 * is work done thousands of times a second for nothing; a hook copies these instead.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  // With static options helmet calls next() at once, with an error only for invalid options.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err instanceof Error) throw err;
  });
  return headers;
}
