import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import {
  CreatePayoutDto,
  PayoutAccountDto,
  PayoutAccountResponse,
  PayoutListQueryDto,
  PayoutResponse,
  RecordPayoutExecutionDto,
} from './dto/payout.dto';
import { PayoutsService } from './payouts.service';

@ApiTags('payouts')
@ApiBearerAuth()
@Controller()
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @Post('payouts')
  @Roles('ADMIN')
  @Idempotent()
  @ApiOperation({
    summary: 'Pay a seller everything AVAILABLE (ADMIN)',
    description:
      "One payout of the seller's AVAILABLE entries, net of refunds and chargebacks since their " +
      'last payout; each entry is paid at most once, also when payouts race. Nothing (or less ' +
      'than nothing) available is 409. With STRIPE_SECRET_KEY set and a Stripe account for the ' +
      'seller, a transfer is made at Stripe by a durable job; otherwise the payout is MANUAL.',
  })
  @ApiCreatedResponse({ type: PayoutResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  create(@CurrentUser() admin: AuthUser, @Body() dto: CreatePayoutDto): Promise<PayoutResponse> {
    return this.payouts.payOut(admin, dto.sellerId);
  }

  @Get('payouts')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Every payout, newest first (ADMIN)' })
  @ApiPage(PayoutResponse, 'Payouts, newest first.')
  @ApiErrors(400, 401, 403)
  list(@Query() query: PayoutListQueryDto) {
    return this.payouts.list(query);
  }

  @Put('payouts/:id/execution')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Record the outcome of a MANUAL payout (ADMIN)',
    description:
      'For a payout ECHO did not transfer itself: SUCCEEDED with the reference of the transfer ' +
      "made by hand, or FAILED with a note, which gives the payout's money back to the seller's " +
      'AVAILABLE balance for the next payout. The outcome is final: sending the same one again ' +
      'answers the payout as it stands, and a different one, or any on a payout that was not ' +
      'MANUAL (Stripe records its own transfers), is 409.',
  })
  @ApiOkResponse({ type: PayoutResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  recordExecution(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: RecordPayoutExecutionDto,
  ): Promise<PayoutResponse> {
    return this.payouts.recordManual(id, dto);
  }

  @Put('payouts/accounts/:sellerId')
  @Roles('ADMIN')
  @ApiOperation({
    summary: "Set a seller's connected Stripe account (ADMIN)",
    description: 'Where later payouts are transferred when STRIPE_SECRET_KEY is set.',
  })
  @ApiOkResponse({ type: PayoutAccountResponse })
  @ApiErrors(400, 401, 403, 404)
  setAccount(
    @Param('sellerId', ParseIdPipe) sellerId: number,
    @Body() dto: PayoutAccountDto,
  ): Promise<PayoutAccountResponse> {
    return this.payouts.setAccount(sellerId, dto.stripeAccountId);
  }

  @Get('users/me/payouts')
  @ApiOperation({ summary: "The caller's payouts, newest first" })
  @ApiPage(PayoutResponse, 'Payouts to the caller, newest first.')
  @ApiErrors(400, 401)
  mine(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.payouts.mine(user, query);
  }
}
