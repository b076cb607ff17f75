import { ValidateBy } from 'class-validator';

/** class-transformer hook: trims strings and leaves anything else for the validators to refuse. */
export const trimString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** For optional free text (comments): trimmed, and nothing but spaces means no text (null). */
export const trimToNull = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() || null : value;

/**
 * Upper bound on a text field as PostgreSQL counts it (code points). class-validator's MaxLength
 * does not count variation selectors (the second half of "❤️"), so a title it accepted could
 * overflow varchar(n) in the database.
 */
export function MaxChars(max: number) {
  return ValidateBy(
    {
      name: 'maxChars',
      constraints: [max],
      validator: { validate: (value) => typeof value !== 'string' || [...value].length <= max },
    },
    { message: ({ property }) => `${property} must be shorter than or equal to ${max} characters` },
  );
}
