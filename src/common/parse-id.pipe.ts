import { Injectable, PipeTransform, type ArgumentMetadata } from '@nestjs/common';
import { CommonErrors } from './errors/domain-error';

/** The largest id a PostgreSQL integer column holds. */
export const MAX_ID = 2_147_483_647;

/** A positive integer id written as plain digits, or null for anything else. */
export function toId(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_ID
    ? Number(value)
    : null;
}

/** Parses a positive integer id; anything else is rejected before it reaches the database. */
export function parseId(value: unknown, name: string): number {
  const id = toId(value);
  if (id !== null) return id;
  throw CommonErrors.VALIDATION_FAILED(`${name} must be a positive integer (1 to ${MAX_ID}).`);
}

/** Path and query ids: a positive integer or 400, never a 500 and never a misleading 404. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata: ArgumentMetadata): number {
    return parseId(value, metadata.data ?? 'id');
  }
}
