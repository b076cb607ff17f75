import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/** Follows `Link: <...>; rel="next"` from `path` to the last page and returns every row. */
export async function collectAll<T = { id: number }>(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let pages = 0;
  let next: string | undefined = path;
  while (next) {
    const res: Response = await t.http.get(next).set(headers).expect(200);
    pages++;
    rows.push(...(res.body as T[]));
    const link = res.headers.link as string | undefined;
    next = link?.match(/^<([^>]+)>; rel="next"$/)?.[1];
  }
  return { rows, pages };
}
