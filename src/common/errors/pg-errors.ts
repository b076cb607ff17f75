import { QueryFailedError } from 'typeorm';

interface PgDriverError {
  code?: string;
  constraint?: string;
}

function driverError(err: unknown): PgDriverError | undefined {
  if (err instanceof QueryFailedError) return err.driverError as PgDriverError;
  return undefined;
}

/** True when `err` is PostgreSQL's unique violation, optionally of the named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = driverError(err);
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

/** The name of the violated constraint, when `err` is a unique violation. */
export function violatedConstraint(err: unknown): string | undefined {
  const e = driverError(err);
  return e?.code === '23505' ? e.constraint : undefined;
}
