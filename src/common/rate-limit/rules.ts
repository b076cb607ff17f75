import type { RateRule } from './rate-limit.guard';

const MINUTE = 60_000;

const emailOf = (body: unknown): string | null => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : null;
};

/** Login: per account (guessing one password) and per client IP (trying many accounts). */
export const LOGIN_PER_ACCOUNT: RateRule = {
  name: 'login-account',
  limit: 'RATE_LIMIT_LOGIN_PER_ACCOUNT',
  windowMs: MINUTE,
  key: (r) => emailOf(r.body),
};
export const LOGIN_PER_IP: RateRule = {
  name: 'login-ip',
  limit: 'RATE_LIMIT_LOGIN_PER_IP',
  windowMs: MINUTE,
  key: (r) => r.ip,
};
/** Changing one's password proves the current one: guessing it is limited like a login. */
export const PASSWORD_CHANGE_PER_ACCOUNT: RateRule = {
  name: 'password-change-account',
  limit: 'RATE_LIMIT_LOGIN_PER_ACCOUNT',
  windowMs: MINUTE,
  key: (r) => (r.user ? String(r.user.id) : null),
};
export const REGISTER_PER_IP: RateRule = {
  name: 'register-ip',
  limit: 'RATE_LIMIT_REGISTER_PER_IP',
  windowMs: 60 * MINUTE,
  key: (r) => r.ip,
};

/** A message flood from one user on one thread (`:orderId` or `:id` of a dispute). */
export const messagesPerThread = (thread: 'order' | 'dispute'): RateRule => ({
  name: `messages-${thread}`,
  limit: 'RATE_LIMIT_MESSAGES_PER_THREAD',
  windowMs: MINUTE,
  key: (r) => {
    const params = r.params as Record<string, string>;
    return `${r.user?.id ?? 0}:${thread === 'order' ? params.orderId : params.id}`;
  },
});
