import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

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

  // Nest would turn a path or query primitive into a Number with `+value` (so "1e3" became
  // 1000) before the route's own pipe sees it; ids are parsed strictly by ParseIdPipe instead.
  protected transformPrimitive(value: unknown, _metadata: ArgumentMetadata): unknown {
    return value;
  }
}
