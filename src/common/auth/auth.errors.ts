import { defineErrors } from '../errors/domain-error';

export const AuthErrors = defineErrors({
  TOKEN_MISSING: { status: 401, meaning: 'The route needs a bearer token and none was sent.' },
  TOKEN_INVALID: { status: 401, meaning: 'The bearer token is malformed, tampered or expired.' },
  STREAM_TOKEN_INVALID: {
    status: 401,
    meaning: 'The stream token is malformed or expired (they live 60 seconds).',
  },
  STREAM_TOKEN_WRONG_STREAM: {
    status: 403,
    meaning: 'The stream token was issued for another stream.',
  },
  ROLE_REQUIRED: { status: 403, meaning: 'The route needs a role the caller does not hold.' },
  METRICS_TOKEN_REQUIRED: {
    status: 401,
    meaning: 'GET /metrics needs the METRICS_TOKEN as a bearer token.',
  },
  SESSION_ENDED: {
    status: 401,
    meaning:
      "The token was issued before the account's password, roles or status changed; log in again.",
  },
  ACCOUNT_INACTIVE: {
    status: 401,
    meaning: 'The token is valid, but its account is deactivated or no longer exists.',
  },
});
