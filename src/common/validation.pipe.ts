import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { CommonErrors } from './errors/domain-error';

/** True when a string anywhere in `value` holds U+0000, which PostgreSQL text cannot store. */
function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  const children = Array.isArray(value) ? value : Object.entries(value).flat();
  return children.some((child) => containsNul(child, depth + 1));
}

/** Far deeper than any DTO; past it class-transformer would overflow the stack (a 500). */
const MAX_DEPTH = 32;
export const TOO_DEEP_MESSAGE = `The request nests objects or arrays more than ${MAX_DEPTH} levels deep.`;

/** True when `value` nests objects or arrays more than `MAX_DEPTH` levels deep. */
export function tooDeep(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_DEPTH) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => tooDeep(child, depth + 1));
}

/** "a", "a and b", "a, b and c" (or "or"). */
const listed = (names: string[], conjunction = 'and') =>
  names.length > 1
    ? `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`
    : names[0];

/**
 * The one sentence for a route that needs a body but got none (no body, an empty one, or JSON
 * `null`), naming the fields it requires, read from the DTO's validation rules.
 */
export function missingBodyMessage(dto: abstract new (...args: never[]) => unknown): string {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const fields = [...new Set(rules.map((r) => r.propertyName))];
  const optional = new Set(
    rules
      .filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((r) => r.propertyName),
  );
  const required = fields.filter((f) => !optional.has(f));
  if (required.length) return `This request needs a JSON body with ${listed(required)}.`;
  if (fields.length) {
    return `This request needs a JSON body: an object with any of ${listed(fields, 'or')}.`;
  }
  return 'This request needs a JSON body.';
}

/**
 * The global pipe: bodies and query DTOs are validated, unknown fields refused (400), and
 * nothing is converted implicitly, so `"5"` is not a score and `1e3` is not an id.
 */
export class EchoValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
    });
  }

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value == null && metadata.metatype) {
      throw CommonErrors.BODY_REQUIRED(missingBodyMessage(metadata.metatype));
    }
    if (metadata.type !== 'custom' && tooDeep(value)) {
      throw CommonErrors.VALIDATION_FAILED(TOO_DEEP_MESSAGE);
    }
    if (metadata.type !== 'custom' && containsNul(value)) {
      throw CommonErrors.VALIDATION_FAILED('Text must not contain the NUL character (\\u0000).');
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }

  // Nest would turn a path or query primitive into a Number with `+value` (so "1e3" became
  // 1000) before the route's own pipe sees it; ids are parsed strictly by ParseIdPipe instead.
  protected transformPrimitive(value: unknown, _metadata: ArgumentMetadata): unknown {
    return value;
  }
}
