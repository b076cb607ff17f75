import { Injectable } from '@nestjs/common';
import { isAdmin, type AuthUser } from '../auth/roles';
import type { DomainError } from '../errors/domain-error';
import { AccessRepository, type OwnerColumn, type PartyColumns } from './access.repository';

/**
 * "Only its owner, or an admin": declared by a feature for one kind of resource, with the
 * errors it answers when the resource is missing or someone else's.
 */
export interface OwnerRule extends OwnerColumn {
  notFound(id: number): DomainError;
  notOwner(): DomainError;
}

/**
 * "Only its two parties (and, where the route says so, an admin)": an order's buyer and
 * seller, for the order and for what hangs off it.
 */
export interface PartyRule extends PartyColumns {
  notFound(id: number): DomainError;
  /** `adminAllowed` says whether the refused route is open to admins, for the sentence. */
  notParty(adminAllowed: boolean): DomainError;
}

/** The one answer to "may this user do this to these ids?". */
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

  /**
   * Throws the rule's 404 for a missing id and its 403 when the user is neither party (nor,
   * with `admin`, an admin).
   */
  async requireParty(
    user: AuthUser,
    rule: PartyRule,
    ids: number[],
    admin: boolean,
  ): Promise<void> {
    const parties = await this.access.parties(rule, ids);
    for (const id of ids) {
      const pair = parties.get(id);
      if (pair === undefined) throw rule.notFound(id);
      if (!pair.includes(user.id) && !(admin && isAdmin(user))) throw rule.notParty(admin);
    }
  }
}
