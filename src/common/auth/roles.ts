export const ROLES = ['USER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** What the guards know about the caller once the token is verified. */
export interface AuthUser {
  id: number;
  roles: Role[];
}

export const isAdmin = (user: AuthUser | undefined): boolean =>
  Boolean(user?.roles.includes('ADMIN'));
