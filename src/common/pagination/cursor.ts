import { CommonErrors } from '../errors/domain-error';
import { MAX_ID } from '../parse-id.pipe';

/**
 * Keyset cursors are opaque to clients: base64url of a small JSON array holding the sort key
 * of the last row returned. Only the server reads them back.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === length &&
      value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
    ) {
      return value as (string | number)[];
    }
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor();
}

const invalidCursor = () =>
  CommonErrors.VALIDATION_FAILED(
    'cursor is not valid: pass back the X-Next-Cursor value of the previous page unchanged.',
  );

/** Cursor holding a single positive integer id (lists ordered by id). */
export function decodeIdCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw invalidCursor();
  }
  return id;
}

/** Newest-first lists: the rows below the cursor's id (every row on the first page). */
export const idsBefore = (cursor: string | undefined): number =>
  cursor ? decodeIdCursor(cursor) : MAX_ID;

/** Oldest-first lists: the rows above the cursor's id (every row on the first page). */
export const idsAfter = (cursor: string | undefined): number =>
  cursor ? decodeIdCursor(cursor) : 0;
