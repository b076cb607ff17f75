import { ForbiddenException } from '@nestjs/common';
import { isAdmin, type AuthUser } from '../auth/roles';

/** Listings, venues and events are changed by whoever owns them, or by an admin. */
export function assertOwnerOrAdmin(user: AuthUser, ownerId: number, what: string): void {
  if (user.id !== ownerId && !isAdmin(user)) {
    throw new ForbiddenException(`Only the owner of this ${what} or an admin may change it.`);
  }
}
