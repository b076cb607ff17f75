import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../src/bootstrap';
import { declaredRoutes } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, unknown>;
};

describe('openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is exactly what the code generates (run `npm run openapi` after changing the API)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(buildOpenApiDocument(t.app)))).toEqual(committed);
  });

  it('gives every operation a unique, readable operationId, a tag and its error responses', () => {
    const doc = buildOpenApiDocument(t.app) as unknown as {
      paths: Record<string, Record<string, Operation>>;
    };
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ path, method, id: op.operationId }).toEqual({
          path,
          method,
          id: expect.stringMatching(/^[a-z][A-Za-z]*_[a-z][A-Za-z]*$/),
        });
        expect(ids.has(op.operationId!)).toBe(false);
        ids.add(op.operationId!);
        expect(op.tags?.length).toBe(1);
        const errors = Object.keys(op.responses).filter((code) => /^[45]/.test(code));
        expect({ path, method, errors: errors.length > 0 }).toEqual({ path, method, errors: true });
      }
    }
    expect(ids.size).toBeGreaterThan(15);
    expect(ids.size).toBe(declaredRoutes(t.app).length);
  });

  // @Idempotent() binds the interceptor and documents the header together, so the document
  // tells which routes have it: every authenticated POST, and nothing else.
  it('makes every authenticated POST, and only those, retry-safe with an Idempotency-Key', () => {
    const doc = buildOpenApiDocument(t.app) as unknown as {
      paths: Record<string, Record<string, Operation>>;
    };
    const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        authenticatedPost: method === 'post' && (op.security?.length ?? 0) > 0,
        idempotencyKey: (op.parameters ?? []).some(
          (p) => p.in === 'header' && p.name === 'Idempotency-Key',
        ),
      })),
    );
    expect(rows.filter((r) => r.authenticatedPost).length).toBeGreaterThan(10);
    for (const { route, authenticatedPost, idempotencyKey } of rows) {
      expect({ route, idempotencyKey }).toEqual({ route, idempotencyKey: authenticatedPost });
    }
  });
});
