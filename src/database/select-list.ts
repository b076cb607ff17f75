import type { SelectQueryBuilder } from 'typeorm';

/**
 * A read model's columns, field by field (`{ orderId: 'r.order_id' }`), as one SQL select list
 * with camelCase aliases, so that a repository's raw rows already have the record's shape.
 */
export const selectList = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([field, column]) => `${column} AS "${field}"`)
    .join(', ');

/** The same select list on a QueryBuilder. */
export function selectFields<E extends object>(
  qb: SelectQueryBuilder<E>,
  fields: Record<string, string>,
): SelectQueryBuilder<E> {
  const [first, ...rest] = Object.entries(fields);
  qb.select(first[1], first[0]);
  for (const [field, column] of rest) qb.addSelect(column, field);
  return qb;
}
