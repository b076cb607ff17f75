import { ValidateIf } from 'class-validator';

/**
 * For PATCH bodies: the field may be left out, but when present it is validated, and null is
 * refused for columns that cannot be empty (IsOptional would let null through).
 */
export const IsOmittable = () => ValidateIf((_: object, value: unknown) => value !== undefined);
