import {
  BadRequestException,
  Injectable,
  PipeTransform,
  type ArgumentMetadata,
} from '@nestjs/common';

const MAX_ID = 2_147_483_647;

/** Parses a positive integer id; anything else is rejected before it reaches the database. */
export function parseId(value: unknown, name: string): number {
  if (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_ID) {
    return Number(value);
  }
  throw new BadRequestException(`${name} must be a positive integer (1 to ${MAX_ID}).`);
}

/** Path and query ids: a positive integer or 400, never a 500 and never a misleading 404. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata: ArgumentMetadata): number {
    return parseId(value, metadata.data ?? 'id');
  }
}
