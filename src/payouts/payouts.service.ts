import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { formatCents, MARKETPLACE_CURRENCY } from '../common/money';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { UnitOfWork } from '../database/transaction-host';
import type { Execution } from '../earnings/ledger-entry.entity';
import { JobsService } from '../jobs/jobs.service';
import { StripeGateway } from '../stripe/stripe.gateway';
import { userNotFound } from '../users/user.errors';
import type {
  PayoutAccountResponse,
  PayoutListQueryDto,
  PayoutResponse,
  RecordPayoutExecutionDto,
} from './dto/payout.dto';
import { PayoutErrors, payoutNotFound } from './payout.errors';
import { toPayoutResponse } from './payout.mapper';
import { PayoutsRepository, type PayoutOutcome, type PayoutRecord } from './payouts.repository';
import { PAYOUT_EXECUTION } from './payouts.queues';

/** Why ECHO leaves a payout to an operator, in the sentence the API shows. */
const MANUAL_BECAUSE = {
  noKey:
    'This server has no STRIPE_SECRET_KEY: transfer this payout to the seller by hand, outside ECHO.',
  noAccount: (sellerId: number) =>
    `Seller ${sellerId} has no Stripe account (set it with PUT /payouts/accounts/${sellerId}): ` +
    'transfer this payout by hand, outside ECHO.',
};

const sameOutcome = (p: PayoutRecord, o: PayoutOutcome): boolean =>
  p.execution === o.execution && p.externalRef === o.externalRef && p.executionNote === o.note;

@Injectable()
export class PayoutsService {
  constructor(
    private readonly payouts: PayoutsRepository,
    private readonly jobs: JobsService,
    private readonly stripe: StripeGateway,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Pays the seller everything AVAILABLE, netting refunds made since their last payout, as one
   * payout. With a Stripe key and a connected account, a durable job sent in this transaction
   * makes the transfer; otherwise the payout is MANUAL and says why.
   */
  async payOut(admin: AuthUser, sellerId: number): Promise<PayoutResponse> {
    return this.uow.run(async () => {
      const account = await this.payouts.stripeAccountOf(sellerId);
      if (account === undefined) throw userNotFound(sellerId);
      const [execution, executionNote]: [Execution, string | null] = !this.stripe.configured
        ? ['MANUAL', MANUAL_BECAUSE.noKey]
        : account === null
          ? ['MANUAL', MANUAL_BECAUSE.noAccount(sellerId)]
          : ['PENDING', null];
      const result = await this.payouts.payOut({
        sellerId,
        currency: MARKETPLACE_CURRENCY,
        execution,
        executionNote,
        byUserId: admin.id,
      });
      if (!result.ok) {
        throw PayoutErrors.PAYOUT_NOTHING_AVAILABLE(
          `Seller ${sellerId} has nothing to pay out: their AVAILABLE balance is ` +
            `${formatCents(result.availableCents)} ${MARKETPLACE_CURRENCY}.`,
        );
      }
      if (execution === 'PENDING') {
        await this.jobs.sendAt(PAYOUT_EXECUTION, { payoutId: result.payout.id }, new Date());
      }
      return toPayoutResponse(result.payout);
    });
  }

  /**
   * An operator's record of a MANUAL payout: the transfer they made by hand (with its
   * reference), or that they could not make it, which gives the money back to the seller's
   * AVAILABLE balance. Recorded once (the same outcome again is answered as it stands);
   * Stripe's transfers record their own.
   */
  async recordManual(payoutId: number, dto: RecordPayoutExecutionDto): Promise<PayoutResponse> {
    return this.uow.run(async () => {
      const outcome: PayoutOutcome = {
        execution: dto.execution,
        externalRef: dto.externalRef ?? null,
        note: dto.note ?? null,
      };
      const recorded = await this.payouts.record(payoutId, 'MANUAL', outcome);
      if (!recorded) throw payoutNotFound(payoutId);
      const { payout, changed } = recorded;
      // PUT: the same outcome recorded again (a retry) is the payout as it is.
      if (!changed && !sameOutcome(payout, outcome)) {
        const { execution } = payout;
        throw PayoutErrors.PAYOUT_NOT_MANUAL(
          execution === 'PENDING'
            ? `Payout ${payoutId} is PENDING at Stripe, which records its outcome itself.`
            : `Payout ${payoutId} is ${execution} already, and a recorded outcome is final.`,
        );
      }
      return toPayoutResponse(payout);
    });
  }

  async list(query: PayoutListQueryDto): Promise<Page<PayoutResponse>> {
    const rows = await this.payouts.page(idsBefore(query.cursor), query.limit + 1, query.sellerId);
    return Page.fromRows(rows, query.limit, toPayoutResponse);
  }

  async mine(user: AuthUser, query: PageQueryDto): Promise<Page<PayoutResponse>> {
    const rows = await this.payouts.page(idsBefore(query.cursor), query.limit + 1, user.id);
    return Page.fromRows(rows, query.limit, toPayoutResponse);
  }

  async setAccount(sellerId: number, account: string | null): Promise<PayoutAccountResponse> {
    const found = await this.payouts.setStripeAccount(sellerId, account);
    if (!found) throw userNotFound(sellerId);
    return { sellerId, stripeAccountId: account };
  }
}
