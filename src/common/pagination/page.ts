/** One page of a list: the rows, and the cursor of the next page when there is one. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly nextCursor: string | null,
  ) {}

  /**
   * Builds a page from `limit + 1` fetched rows: the extra row only proves that a next page
   * exists, and the cursor points after the last row actually returned.
   */
  static fromRows<R, T>(
    rows: R[],
    limit: number,
    map: (row: R) => T,
    cursorOf: (row: R) => string,
  ): Page<T> {
    const hasMore = rows.length > limit;
    const kept = hasMore ? rows.slice(0, limit) : rows;
    const next = hasMore ? cursorOf(kept[kept.length - 1]) : null;
    return new Page(kept.map(map), next);
  }
}
