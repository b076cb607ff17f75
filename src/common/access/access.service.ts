import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
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
  /**
   * The database refuses any change of these parties (a trigger), so once read they can be
   * answered from memory, on every instance, for as long as the process lives. Decisions are
   * never remembered: the caller's roles are always the current ones.
   */
  partiesNeverChange: boolean;
  notFound(id: number): DomainError;
  /** `adminAllowed` says whether the refused route is open to admins, for the sentence. */
  notParty(adminAllowed: boolean): DomainError;
}

/** Parties kept in memory: about 100 bytes each, so some 10 MB at most. */
const REMEMBERED_PARTIES = 100_000;

/** The one answer to "may this user do this to these ids?". */
@Injectable()
export class AccessService {
  /** `${table}:${id}` -> the two parties, for rules whose parties never change. */
  private readonly remembered = new LRUCache<string, [number, number]>({
    max: REMEMBERED_PARTIES,
  });

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
    const parties = await this.partiesOf(rule, ids);
    for (const id of ids) {
      const pair = parties.get(id);
      if (pair === undefined) throw rule.notFound(id);
      if (!pair.includes(user.id) && !(admin && isAdmin(user))) throw rule.notParty(admin);
    }
  }

  /** The parties of each id that exists; only ids not in memory are asked of the database. */
  private async partiesOf(rule: PartyRule, ids: number[]): Promise<Map<number, [number, number]>> {
    if (!rule.partiesNeverChange) return this.access.parties(rule, ids);
    const known = new Map<number, [number, number]>();
    const unknown: number[] = [];
    for (const id of ids) {
      const pair = this.remembered.get(`${rule.table}:${id}`);
      if (pair) known.set(id, pair);
      else unknown.push(id);
    }
    if (!unknown.length) return known;
    // A missing id is not remembered: a row with that id may yet be created.
    for (const [id, pair] of await this.access.parties(rule, unknown)) {
      this.remembered.set(`${rule.table}:${id}`, pair);
      known.set(id, pair);
    }
    return known;
  }
}
