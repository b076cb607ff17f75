import { defineErrors } from '../errors/domain-error';

export const AuthErrors = defineErrors({
  ACCOUNT_INACTIVE: {
    status: 401,
    meaning: 'The token is valid, but its account is deactivated or no longer exists.',
  },
});
