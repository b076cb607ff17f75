import { defineErrors } from '../common/errors/domain-error';

export const UserErrors = defineErrors({
  USER_NOT_FOUND: { status: 404, meaning: 'The user does not exist.' },
  EMAIL_TAKEN: { status: 409, meaning: 'An account with this email already exists.' },
  USERNAME_TAKEN: { status: 409, meaning: 'Another account has this username.' },
  INVALID_CREDENTIALS: {
    status: 401,
    meaning:
      'Login refused: unknown email, wrong password or deactivated account (deliberately not told apart).',
  },
  LAST_ADMIN: {
    status: 409,
    meaning: 'The only admin cannot lose the ADMIN role; make another user an admin first.',
  },
  CURRENT_PASSWORD_WRONG: {
    status: 403,
    meaning: "currentPassword is not the account's password; the password was not changed.",
  },
  CANNOT_DEACTIVATE_SELF: { status: 409, meaning: 'An admin cannot deactivate their own account.' },
});

export const userNotFound = (id: number) => UserErrors.USER_NOT_FOUND(`User ${id} does not exist.`);
