import { encodeCursor } from './cursor';

/** One page of a list: the rows, and the cursor of the next page when there is one. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly nextCursor: string | null,
  ) {}

  /**
   * Builds a page from `limit + 1` fetched rows: the extra row only proves that a next page
   * exists, and the cursor holds the id of the last row actually returned (every list is
   * ordered by id).
   */
  static fromRows<R extends { id: number }, T>(
    rows: R[],
    limit: number,
    map: (row: R) => T,
  ): Page<T> {
    const hasMore = rows.length > limit;
    const kept = hasMore ? rows.slice(0, limit) : rows;
    const next = hasMore ? encodeCursor([kept[kept.length - 1].id]) : null;
    return new Page(kept.map(map), next);
  }
}
