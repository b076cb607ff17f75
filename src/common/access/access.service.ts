import { Injectable } from '@nestjs/common';
import { isAdmin, type AuthUser } from '../auth/roles';
import type { DomainError } from '../errors/domain-error';
import { AccessRepository, type OwnerColumn } from './access.repository';

/**
 * "Only its owner, or an admin": declared by a feature for one kind of resource, with the
 * errors it answers when the resource is missing or someone else's.
 */
export interface OwnerRule extends OwnerColumn {
  notFound(id: number): DomainError;
  notOwner(): DomainError;
}

/** The one answer to "may this user change these ids?" for owned resources. */
@Injectable()
export class AccessService {
  constructor(private readonly access: AccessRepository) {}

  /** Throws the rule's 404 for a missing id and its 403 for one owned by someone else. */
  async requireOwner(user: AuthUser, rule: OwnerRule, ids: number[]): Promise<void> {
    const owners = await this.access.owners(rule, ids);
    for (const id of ids) {
      const owner = owners.get(id);
      if (owner === undefined) throw rule.notFound(id);
      if (owner !== user.id && !isAdmin(user)) throw rule.notOwner();
    }
  }
}
